using Bourse.Routing;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Bourse.Functions.X402;

public sealed class X402ChatCompletionsFunction(X402ChatRail rail)
{
    [Function("X402ChatCompletions")]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/x402/v1/chat/completions")] HttpRequest request,
        CancellationToken cancellationToken) =>
        rail.CompleteAsync(request, cancellationToken);
}
