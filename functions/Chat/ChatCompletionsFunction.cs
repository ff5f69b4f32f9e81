using Bourse.Routing;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Bourse.Functions.Chat;

public sealed class ChatCompletionsFunction(CreditsChatRail rail)
{
    [Function("ChatCompletions")]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/chat/completions")] HttpRequest request,
        CancellationToken cancellationToken) =>
        rail.CompleteAsync(request, cancellationToken);
}
