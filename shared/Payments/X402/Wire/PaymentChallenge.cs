namespace Bourse.Payments.X402;

/// <summary>
/// The requirement for one request in both generations: <see cref="V2"/> goes base64 in
/// <c>PAYMENT-REQUIRED</c>, <see cref="V1"/> is the JSON body, both with <c>Cache-Control: no-store</c>.
/// </summary>
public sealed record PaymentChallenge(PaymentRequiredV2 V2, PaymentRequiredV1 V1, string? ModelId)
{
    public PaymentRequirementsV2 Requirement => V2.Accepts[0];

    public PaymentRequirementsV1 RequirementV1 => V1.Accepts[0];

    public long Amount => long.Parse(Requirement.Amount, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The same challenge with an <c>error</c> (the reason the last payment was refused).</summary>
    public PaymentChallenge WithError(string? error) => this with { V2 = V2 with { Error = error }, V1 = V1 with { Error = error } };
}
