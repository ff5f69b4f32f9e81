using System.Text.Json;

namespace Bourse.Payments.X402;

/// <summary>
/// Checks a paid retry before anything is charged. v2 echoes the requirement it paid in <c>accepted</c>,
/// which must equal the one rebuilt for this request (scheme, network, amount, asset, payTo, timeout,
/// <c>extra.feePayer</c>); v1 carries only scheme and network, so the rebuilt requirement is what the
/// facilitator checks the transaction against. Then the facilitator verifies the transaction itself.
/// </summary>
public sealed class PaymentVerifier(FacilitatorClient facilitator, FeePayerCache feePayers)
{
    public const string FeePayerNotManaged = "fee_payer_not_managed_by_facilitator";

    /// <summary>Pure: decoded payment + rebuilt challenge → a payment to verify, or a rejection.</summary>
    public static PaymentCheck Check(PaymentHeader payment, PaymentChallenge challenge)
    {
        var expected = challenge.Requirement;
        string requirementsJson;
        if (payment is { Version: 2, V2.Accepted: { } accepted })
        {
            var mismatch = Compare(accepted, expected);
            if (mismatch is { } rejection)
            {
                return PaymentCheck.Reject(rejection);
            }

            requirementsJson = JsonSerializer.Serialize(expected, X402JsonContext.Default.PaymentRequirementsV2);
        }
        else if (payment is { Version: 1, V1: { } v1 })
        {
            var expectedV1 = challenge.RequirementV1;
            if (!string.Equals(v1.Scheme, expectedV1.Scheme, StringComparison.Ordinal))
            {
                return PaymentCheck.Reject(X402Rejection.SchemeMismatch);
            }

            if (!string.Equals(v1.Network, expectedV1.Network, StringComparison.Ordinal))
            {
                return PaymentCheck.Reject(X402Rejection.NetworkMismatch);
            }

            requirementsJson = JsonSerializer.Serialize(expectedV1, X402JsonContext.Default.PaymentRequirementsV1);
        }
        else
        {
            return PaymentCheck.Reject(X402Rejection.MalformedPayment);
        }

        var transaction = PaymentTransaction.TryRead(payment.Transaction, out var reason);
        if (transaction is null)
        {
            return PaymentCheck.Reject(X402Rejection.InvalidTransaction, $"{X402Reasons.For(X402Rejection.InvalidTransaction)}: {reason}");
        }

        if (!string.Equals(transaction.FeePayer, expected.Extra?.FeePayer, StringComparison.Ordinal))
        {
            return PaymentCheck.Reject(X402Rejection.FeePayerMismatch);
        }

        using var requirements = JsonDocument.Parse(requirementsJson);
        var request = new FacilitatorRequest(payment.Version, payment.Raw, requirements.RootElement.Clone());
        return new PaymentCheck(new CheckedPayment(transaction.MessageHash, payment, transaction, challenge, request));
    }

    /// <summary>Asks the facilitator; a fee payer it no longer manages drops the cached one, so the next 402 names the current one.</summary>
    public async Task<FacilitatorResult<VerifyResponse>> VerifyAsync(CheckedPayment payment, CancellationToken cancellationToken = default)
    {
        var result = await facilitator.VerifyAsync(payment.Request, cancellationToken);
        if (result.Value is { IsValid: false, InvalidReason: { } reason } && reason.Contains(FeePayerNotManaged, StringComparison.Ordinal))
        {
            feePayers.Invalidate();
        }

        return result;
    }

    private static X402Rejection? Compare(PaymentRequirementsV2 accepted, PaymentRequirementsV2 expected)
    {
        if (!string.Equals(accepted.Scheme, expected.Scheme, StringComparison.Ordinal))
        {
            return X402Rejection.SchemeMismatch;
        }

        if (!string.Equals(accepted.Network, expected.Network, StringComparison.Ordinal))
        {
            return X402Rejection.NetworkMismatch;
        }

        if (!string.Equals(accepted.Amount, expected.Amount, StringComparison.Ordinal))
        {
            return X402Rejection.AmountMismatch;
        }

        if (!string.Equals(accepted.Asset, expected.Asset, StringComparison.Ordinal))
        {
            return X402Rejection.AssetMismatch;
        }

        if (!string.Equals(accepted.PayTo, expected.PayTo, StringComparison.Ordinal))
        {
            return X402Rejection.PayToMismatch;
        }

        if (!string.Equals(accepted.Extra?.FeePayer, expected.Extra?.FeePayer, StringComparison.Ordinal))
        {
            return X402Rejection.FeePayerMismatch;
        }

        return accepted.MaxTimeoutSeconds != expected.MaxTimeoutSeconds ? X402Rejection.TimeoutMismatch : null;
    }
}
