using Bourse.SignIn;
using Microsoft.Azure.Functions.Worker;

namespace Bourse.Functions.SignIn;

/// <summary>Deletes expired sign-in challenges, used nonces and sessions.</summary>
public sealed class PurgeSignInsFunction(WalletSignIn signIn)
{
    [Function("PurgeSignIns")]
    public Task Run([TimerTrigger("0 17 * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        signIn.PurgeExpiredAsync(cancellationToken);
}
