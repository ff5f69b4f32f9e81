using System.Text;
using System.Text.Json.Nodes;
using Microsoft.ML.Tokenizers;

namespace Bourse.Routing;

/// <summary>
/// Token counts for holds and for calls whose upstream reported no usage: the o200k tokenizer over
/// the text the model reads (message text parts, tool definitions, tool calls), plus a small
/// per-message overhead. An estimate, and flagged as one wherever it is billed.
/// </summary>
public sealed class TokenEstimator
{
    private const int PerMessageOverhead = 4;
    public const int ImagePartTokens = 765;

    private readonly Tokenizer _tokenizer = TiktokenTokenizer.CreateForEncoding("o200k_base");

    public int CountText(string text) => text.Length == 0 ? 0 : _tokenizer.CountTokens(text);

    public int CountPrompt(JsonObject body)
    {
        var text = new StringBuilder();
        var tokens = 3;
        foreach (var message in body["messages"] as JsonArray ?? [])
        {
            tokens += PerMessageOverhead;
            switch ((message as JsonObject)?["content"])
            {
                case JsonValue value when value.TryGetValue<string>(out var s):
                    text.Append(s).Append('\n');
                    break;
                case JsonArray parts:
                    foreach (var part in parts)
                    {
                        if (part is JsonObject p && p["type"] is JsonValue type && type.TryGetValue<string>(out var kind) && kind == "text")
                        {
                            text.Append(p["text"] is JsonValue t && t.TryGetValue<string>(out var partText) ? partText : null).Append('\n');
                        }
                        else
                        {
                            tokens += ImagePartTokens;
                        }
                    }

                    break;
            }

            if ((message as JsonObject)?["tool_calls"] is JsonArray calls)
            {
                text.Append(calls.ToJsonString());
            }
        }

        if (body["tools"] is JsonArray tools)
        {
            text.Append(tools.ToJsonString());
        }

        return tokens + CountText(text.ToString());
    }
}
