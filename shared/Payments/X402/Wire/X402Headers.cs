namespace Bourse.Payments.X402;

public static class X402Headers
{
    /// <summary>v2 challenge (response).</summary>
    public const string PaymentRequired = "PAYMENT-REQUIRED";

    /// <summary>v2 payment (request).</summary>
    public const string PaymentSignature = "PAYMENT-SIGNATURE";

    /// <summary>v1 payment (request).</summary>
    public const string XPayment = "X-PAYMENT";

    /// <summary>v2 settlement (response).</summary>
    public const string PaymentResponse = "PAYMENT-RESPONSE";

    /// <summary>v1 settlement (response).</summary>
    public const string XPaymentResponse = "X-PAYMENT-RESPONSE";

    /// <summary>For CORS: what browsers may send and read.</summary>
    public const string AllowedRequestHeaders = "payment-signature, x-payment, access-control-expose-headers";

    public const string ExposedResponseHeaders = "PAYMENT-REQUIRED, PAYMENT-RESPONSE, X-PAYMENT-RESPONSE";
}
