namespace Bourse.Payments.X402;

/// <summary>An admitted payment: verified by the facilitator and claimed in the ledger, not settled yet.</summary>
public sealed record X402Payment(CheckedPayment Checked, PaymentRecord Record, string? Payer)
{
    public string Id => Checked.Id;

    public int Version => Checked.Version;

    public long Amount => Checked.Challenge.Amount;

    public string PayTo => Checked.Challenge.Requirement.PayTo;
}
