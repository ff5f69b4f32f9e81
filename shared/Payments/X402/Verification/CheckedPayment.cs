namespace Bourse.Payments.X402;

/// <summary>A payment that matches the rebuilt requirement, ready for the facilitator.</summary>
/// <param name="Id">The durable payment id: hex SHA-256 of the transaction's message bytes.</param>
public sealed record CheckedPayment(string Id, PaymentHeader Header, PaymentTransaction Transaction, PaymentChallenge Challenge, FacilitatorRequest Request)
{
    public int Version => Header.Version;
}
