using System.Globalization;
using Microsoft.Extensions.Options;

namespace Bourse.Payments.X402;

/// <summary>
/// Builds the 402 requirement for a request. Total: any quote, even none, yields a valid challenge
/// (an unpriced request gets <see cref="X402Options.DefaultPrice"/>, every price is at least
/// <see cref="X402Options.MinimumPrice"/>), so pay.sh's <c>{}</c> probe always sees a 402.
/// The paid retry is checked against the requirement rebuilt from the same body. The quote says who is
/// paid (the caller asks the listing registry); without a payee, the treasury.
/// </summary>
public sealed class RequirementBuilder(IOptions<X402Options> options)
{
    public const string Scheme = "exact";
    public const string MimeType = "application/json";
    public const string DefaultError = "Payment required";

    public PaymentChallenge Build(X402Quote quote, string feePayer)
    {
        var o = options.Value;
        var amount = Math.Max(quote.Amount is > 0 ? quote.Amount.Value : o.DefaultPrice, o.MinimumPrice).ToString(CultureInfo.InvariantCulture);
        var recipient = quote.PayTo ?? o.TreasuryAddress;
        var resource = quote.Resource.AbsoluteUri;
        var extra = new SvmExtra { FeePayer = feePayer };
        var description = quote.ModelId is null ? o.Description : $"{o.Description} ({quote.ModelId})";

        var v2 = new PaymentRequirementsV2
        {
            Scheme = Scheme,
            Network = o.Network,
            Amount = amount,
            Asset = o.UsdcMint,
            PayTo = recipient,
            MaxTimeoutSeconds = o.MaxTimeoutSeconds,
            Extra = extra,
        };
        var v1 = new PaymentRequirementsV1
        {
            Scheme = Scheme,
            Network = o.V1Network ?? throw new InvalidOperationException($"No v1 name for network {o.Network}."),
            MaxAmountRequired = amount,
            Amount = amount,
            Resource = resource,
            Description = description,
            MimeType = MimeType,
            PayTo = recipient,
            MaxTimeoutSeconds = o.MaxTimeoutSeconds,
            Asset = o.UsdcMint,
            Extra = extra,
        };
        return new PaymentChallenge(
            new PaymentRequiredV2(2, DefaultError, new ResourceInfo(resource, description, MimeType), [v2]),
            new PaymentRequiredV1(1, DefaultError, [v1]),
            quote.ModelId);
    }
}
