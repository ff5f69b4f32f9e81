using System.Text;
using Bourse.Routing;

namespace Bourse.Tests.Routing;

/// <summary>What the router acts on is checked (400 naming the param); everything else passes through untouched.</summary>
public sealed class ChatRequestParserTests
{
    private const string Messages = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";

    [Theory]
    [InlineData("""{"model":"m",MSG,"stream":"yes"}""", "stream")]
    [InlineData("""{"model":"m",MSG,"stream":1}""", "stream")]
    [InlineData("""{"model":"m",MSG,"stream":{}}""", "stream")]
    [InlineData("""{"model":"m",MSG,"stream":true,"stream_options":"yes"}""", "stream_options")]
    [InlineData("""{"model":"m",MSG,"stream":true,"stream_options":[true]}""", "stream_options")]
    [InlineData("""{"model":"m",MSG,"stream":true,"stream_options":{"include_usage":"yes"}}""", "stream_options.include_usage")]
    [InlineData("""{"model":"m",MSG,"max_tokens":"5"}""", "max_tokens")]
    [InlineData("""{"model":"m",MSG,"max_tokens":1.5}""", "max_tokens")]
    [InlineData("""{"model":"m",MSG,"max_completion_tokens":0}""", "max_completion_tokens")]
    [InlineData("""{"model":"m",MSG,"n":"2"}""", "n")]
    [InlineData("""{"model":5,MSG}""", "model")]
    [InlineData("""{"model":"m","messages":{"role":"user"}}""", "messages")]
    [InlineData("""{"model":"m","messages":["hi"]}""", "messages[0]")]
    [InlineData("""{"model":"m","messages":[{"role":5,"content":"hi"}]}""", "messages[0].role")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":5}]}""", "messages[0].content")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":["hi"]}]}""", "messages[0].content[0]")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":5}]}]}""", "messages[0].content[0].text")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":[{"type":7}]}]}""", "messages[0].content[0].type")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"hi","tool_calls":"x"}]}""", "messages[0].tool_calls")]
    [InlineData("""{"model":"m",MSG,"tools":{}}""", "tools")]
    [InlineData("""{"model":"m",MSG,"tools":[5]}""", "tools[0]")]
    [InlineData("""{"model":"m",MSG,"tools":[{"type":"function","function":{"name":5}}]}""", "tools[0].function.name")]
    [InlineData("""{"model":"m",MSG,"tools":[{"type":"function","function":"f"}]}""", "tools[0].function")]
    public void Parse_WrongTypeForAFieldTheRouterReads_400NamingIt(string body, string param)
    {
        var (request, error) = ChatRequestParser.Parse(Encoding.UTF8.GetBytes(body.Replace("MSG", Messages, StringComparison.Ordinal)));

        Assert.Null(request);
        Assert.Equal((400, param), (error!.Status, error.Param));
    }

    [Theory]
    [InlineData("""{"model":"m","model":"n",MSG}""")]
    [InlineData("""{"model":"m",MSG,"user":"a","extra":{"k":1,"k":2}}""")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"\ud800"}]}""")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"hi"}],"user":"\udc00x"}""")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"hi"}],"\ud800":1}""")]
    public void Parse_DuplicateKeysOrLoneSurrogates_400(string body)
    {
        var (request, error) = ChatRequestParser.Parse(Encoding.UTF8.GetBytes(body.Replace("MSG", Messages, StringComparison.Ordinal)));

        Assert.Null(request);
        Assert.Equal(400, error!.Status);
    }

    [Fact]
    public void Parse_NestedDeeperThanTheLimit_400_AndValidEscapesPass()
    {
        var deep = new string('[', 64) + new string(']', 64);
        var (_, tooDeep) = ChatRequestParser.Parse(Encoding.UTF8.GetBytes($$"""{"model":"m","messages":[{"role":"user","content":"hi"}],"metadata":{{deep}}}"""));
        var (request, error) = ChatRequestParser.Parse("""{"model":"m","messages":[{"role":"user","content":"caf\u00e9 \ud83d\ude00"}]}"""u8);

        Assert.Equal(400, tooDeep!.Status);
        Assert.Null(error);
        Assert.Equal("café 😀", (string?)request!.Body["messages"]![0]!["content"]);
    }

    [Fact]
    public void Parse_InvalidUtf8_400()
    {
        byte[] body = [.. """{"model":"m","messages":[{"role":"user","content":"h"""u8, 0xC3, 0x28, 0xFF, .. "\"}]}"u8];

        var (request, error) = ChatRequestParser.Parse(body);

        Assert.Null(request);
        Assert.Equal(400, error!.Status);
    }

    [Fact]
    public void Parse_UnknownFieldsOfAnyType_PassThroughUntouched()
    {
        var body = """{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"hi"},{"type":"image_url","image_url":{"url":"x"}}]}],"temperature":"hot","metadata":[1,{"a":null}],"stream":false,"stream_options":null}""";

        var (request, error) = ChatRequestParser.Parse(Encoding.UTF8.GetBytes(body));

        Assert.Null(error);
        Assert.Equal("\"hot\"", request!.Body["temperature"]!.ToJsonString());
        Assert.Equal("""[1,{"a":null}]""", request.Body["metadata"]!.ToJsonString());
        Assert.False(request.Stream);
    }

    [Fact]
    public void Parse_SameJsonKeysReorderedOrSpaced_SameRequestHash()
    {
        var a = ChatRequestParser.Parse("""{"model":"m","messages":[{"role":"user","content":"hi"}],"max_tokens":5}"""u8).Request!;
        var b = ChatRequestParser.Parse("""{ "max_tokens" : 5, "messages" : [ { "content" : "hi", "role" : "user" } ], "model" : "m" }"""u8).Request!;
        var c = ChatRequestParser.Parse("""{"model":"m","messages":[{"role":"user","content":"hi!"}],"max_tokens":5}"""u8).Request!;

        Assert.Equal(a.RequestHash, b.RequestHash);
        Assert.NotEqual(a.RequestHash, c.RequestHash);
    }
}
