using Microsoft.Extensions.Options;

namespace Bourse.Payments.X402;

/// <summary>
/// Who gets paid for a call: a tokenized model's revenue vault authority, otherwise the treasury.
/// For now from configuration (<c>X402:Models</c>), which the chain-seeded models feed.
/// </summary>
public sealed class PayToResolver(IOptions<X402Options> options)
{
    public string Resolve(string? modelId)
    {
        var o = options.Value;
        if (modelId is not null)
        {
            foreach (var model in o.Models)
            {
                if (string.Equals(model.Id, modelId, StringComparison.Ordinal))
                {
                    return model.PayTo;
                }
            }
        }

        return o.TreasuryAddress;
    }
}
