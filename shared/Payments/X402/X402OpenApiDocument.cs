using System.Globalization;
using System.Text.Json.Nodes;

namespace Bourse.Payments.X402;

/// <summary>
/// OpenAPI 3.1 for the x402 endpoint, for agents and pay.sh: the chat request and response, the 402
/// (v2 envelope base64 in <c>PAYMENT-REQUIRED</c>, v1 envelope as the body) and the settle headers. The
/// request example is a cheap quote (a short prompt, 16 output tokens), which pay.sh probes with.
/// </summary>
public static class X402OpenApiDocument
{
    public const string PaidPath = "/x402/v1/chat/completions";
    public const string ExampleModel = "google/gemma-3-27b-it";

    public static JsonObject Create(X402Options options, Uri apiBase)
    {
        var minimum = options.MinimumPrice.ToString(CultureInfo.InvariantCulture);
        return new JsonObject
        {
            ["openapi"] = "3.1.0",
            ["info"] = new JsonObject
            {
                ["title"] = $"{options.ServiceName} x402 chat completions",
                ["version"] = "1.0.0",
                ["description"] = $"{options.Description}. No account: each call is paid with an x402 'exact' USDC payment on Solana " +
                    $"({options.Network}, asset {options.UsdcMint}). Call without payment to get the quote (HTTP 402), then retry with " +
                    "PAYMENT-SIGNATURE (x402 v2) or X-PAYMENT (v1). The price is the prompt-token estimate times the input price plus " +
                    $"max_tokens times the output price, at least {minimum} atomic units.",
            },
            ["servers"] = new JsonArray(new JsonObject { ["url"] = apiBase.AbsoluteUri.TrimEnd('/') }),
            ["paths"] = new JsonObject
            {
                [PaidPath] = new JsonObject
                {
                    ["post"] = new JsonObject
                    {
                        ["operationId"] = "createChatCompletionX402",
                        ["summary"] = "Create a chat completion, paid per call in USDC (x402)",
                        ["x-payment-info"] = new JsonObject
                        {
                            ["protocols"] = new JsonArray("x402"),
                            ["scheme"] = RequirementBuilder.Scheme,
                            ["network"] = options.Network,
                            ["asset"] = options.UsdcMint,
                            ["minimumAmount"] = minimum,
                            ["defaultAmount"] = options.DefaultPrice.ToString(CultureInfo.InvariantCulture),
                        },
                        ["requestBody"] = new JsonObject
                        {
                            ["required"] = true,
                            ["content"] = Json(Ref("ChatCompletionRequest"), new JsonObject
                            {
                                ["model"] = ExampleModel,
                                ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Say hi" }),
                                ["max_tokens"] = 16,
                            }),
                        },
                        ["parameters"] = new JsonArray(
                            HeaderParameter(X402Headers.PaymentSignature, "x402 v2 payment: base64 of the JSON PaymentPayload (the paid retry)."),
                            HeaderParameter(X402Headers.XPayment, "x402 v1 payment: base64 of the JSON PaymentPayload (the paid retry).")),
                        ["responses"] = new JsonObject
                        {
                            ["200"] = new JsonObject
                            {
                                ["description"] = "Paid and served. The settlement is in PAYMENT-RESPONSE (v2) or X-PAYMENT-RESPONSE (v1).",
                                ["headers"] = new JsonObject
                                {
                                    [X402Headers.PaymentResponse] = HeaderObject("base64 of the JSON SettleResponse (v2 clients)."),
                                    [X402Headers.XPaymentResponse] = HeaderObject("base64 of the JSON SettleResponse (v1 clients)."),
                                },
                                ["content"] = new JsonObject
                                {
                                    ["application/json"] = new JsonObject { ["schema"] = Ref("ChatCompletion") },
                                    ["text/event-stream"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "string", ["description"] = "With stream: true, chat.completion.chunk events." } },
                                },
                            },
                            ["402"] = new JsonObject
                            {
                                ["description"] = "Payment required (no or refused payment). The v2 envelope is base64 in PAYMENT-REQUIRED; the body is the v1 envelope; 'error' names why a payment was refused.",
                                ["headers"] = new JsonObject
                                {
                                    [X402Headers.PaymentRequired] = HeaderObject("base64 of the JSON x402 v2 PaymentRequired envelope."),
                                },
                                ["content"] = Json(Ref("PaymentRequiredV1"), null),
                            },
                            ["502"] = new JsonObject { ["description"] = "The payment facilitator failed; nothing was charged." },
                            ["503"] = new JsonObject { ["description"] = "The payment facilitator is unavailable; nothing was charged." },
                        },
                    },
                },
            },
            ["components"] = new JsonObject { ["schemas"] = Schemas() },
        };
    }

    private static JsonObject Schemas() => new()
    {
        ["ChatCompletionRequest"] = new JsonObject
        {
            ["type"] = "object",
            ["required"] = new JsonArray("model", "messages"),
            ["properties"] = new JsonObject
            {
                ["model"] = new JsonObject { ["type"] = "string", ["examples"] = new JsonArray(ExampleModel) },
                ["messages"] = new JsonObject
                {
                    ["type"] = "array",
                    ["items"] = new JsonObject
                    {
                        ["type"] = "object",
                        ["required"] = new JsonArray("role", "content"),
                        ["properties"] = new JsonObject
                        {
                            ["role"] = new JsonObject { ["type"] = "string", ["enum"] = new JsonArray("system", "user", "assistant", "tool") },
                            ["content"] = new JsonObject { ["type"] = new JsonArray("string", "array") },
                        },
                    },
                },
                ["max_tokens"] = new JsonObject { ["type"] = "integer", ["minimum"] = 1, ["description"] = "Output cap; the price covers it." },
                ["stream"] = new JsonObject { ["type"] = "boolean" },
                ["temperature"] = new JsonObject { ["type"] = "number" },
            },
        },
        ["ChatCompletion"] = new JsonObject
        {
            ["type"] = "object",
            ["properties"] = new JsonObject
            {
                ["id"] = new JsonObject { ["type"] = "string" },
                ["object"] = new JsonObject { ["const"] = "chat.completion" },
                ["model"] = new JsonObject { ["type"] = "string" },
                ["choices"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "object" } },
                ["usage"] = new JsonObject { ["type"] = "object" },
            },
        },
        ["PaymentRequiredV1"] = new JsonObject
        {
            ["type"] = "object",
            ["required"] = new JsonArray("x402Version", "accepts"),
            ["properties"] = new JsonObject
            {
                ["x402Version"] = new JsonObject { ["const"] = 1 },
                ["error"] = new JsonObject { ["type"] = "string" },
                ["accepts"] = new JsonObject
                {
                    ["type"] = "array",
                    ["items"] = new JsonObject
                    {
                        ["type"] = "object",
                        ["required"] = new JsonArray("scheme", "network", "maxAmountRequired", "resource", "description", "mimeType", "payTo", "maxTimeoutSeconds", "asset"),
                        ["properties"] = new JsonObject
                        {
                            ["scheme"] = new JsonObject { ["const"] = RequirementBuilder.Scheme },
                            ["network"] = new JsonObject { ["type"] = "string", ["examples"] = new JsonArray("solana", "solana-devnet") },
                            ["maxAmountRequired"] = new JsonObject { ["type"] = "string", ["pattern"] = "^[0-9]+$" },
                            ["amount"] = new JsonObject { ["type"] = "string", ["pattern"] = "^[0-9]+$", ["description"] = "Same as maxAmountRequired." },
                            ["resource"] = new JsonObject { ["type"] = "string", ["format"] = "uri" },
                            ["description"] = new JsonObject { ["type"] = "string" },
                            ["mimeType"] = new JsonObject { ["type"] = "string" },
                            ["payTo"] = new JsonObject { ["type"] = "string", ["description"] = "The model's revenue vault authority, or the treasury." },
                            ["maxTimeoutSeconds"] = new JsonObject { ["type"] = "integer" },
                            ["asset"] = new JsonObject { ["type"] = "string", ["description"] = "USDC mint." },
                            ["extra"] = new JsonObject
                            {
                                ["type"] = "object",
                                ["required"] = new JsonArray("feePayer"),
                                ["properties"] = new JsonObject { ["feePayer"] = new JsonObject { ["type"] = "string" } },
                            },
                        },
                    },
                },
            },
        },
    };

    private static JsonObject Ref(string name) => new() { ["$ref"] = $"#/components/schemas/{name}" };

    private static JsonObject Json(JsonObject schema, JsonObject? example)
    {
        var media = new JsonObject { ["schema"] = schema };
        if (example is not null)
        {
            media["example"] = example;
        }

        return new JsonObject { ["application/json"] = media };
    }

    private static JsonObject HeaderObject(string description) => new()
    {
        ["description"] = description,
        ["schema"] = new JsonObject { ["type"] = "string" },
    };

    private static JsonObject HeaderParameter(string name, string description) => new()
    {
        ["name"] = name,
        ["in"] = "header",
        ["required"] = false,
        ["description"] = description,
        ["schema"] = new JsonObject { ["type"] = "string" },
    };
}
