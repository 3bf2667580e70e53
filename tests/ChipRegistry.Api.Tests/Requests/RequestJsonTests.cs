using System.Text;
using System.Text.Json;
using ChipRegistry.Api.Limits;
using ChipRegistry.Api.Problems;
using ChipRegistry.Api.Requests;
using Microsoft.AspNetCore.Http;

namespace ChipRegistry.Api.Tests.Requests;

public sealed class RequestJsonTests
{
    private sealed record Line(string Serial, int Quantity);
    private sealed record Order(string Buyer, IReadOnlyList<Line> Lines);

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { RespectRequiredConstructorParameters = true };

    [Fact]
    public async Task a_well_formed_body_binds()
    {
        var order = await Read("""{"buyer":"org-1","lines":[{"serial":"s1","quantity":2}]}""");

        Assert.Equal("org-1", order.Buyer);
        Assert.Equal(2, order.Lines.Single().Quantity);
    }

    [Theory]
    [InlineData("""{"buyer":"org-1","lines":[""", "malformed_json")]
    [InlineData("""{"buyer":"org-1","lines":[],"discount":5}""", "unknown_field")]
    [InlineData("""{"buyer":"org-1","lines":[{"serial":"s1","quantity":2,"colour":"red"}]}""", "unknown_field")]
    [InlineData("""{"buyer":"org-1","lines":[{"serial":"s1","quantity":"two"}]}""", "wrong_type")]
    [InlineData("""{"lines":[]}""", "missing_field")]
    [InlineData("""{"buyer":"org-1","buyer":"org-2","lines":[]}""", "duplicate_field")]
    [InlineData("""{"buyer":"org-1","Buyer":"org-2","lines":[]}""", "duplicate_field")]
    [InlineData("""{"buyer":"org-1","lines":[{"serial":"s1","quantity":1,"quantity":2}]}""", "duplicate_field")]
    [InlineData("null", "malformed_json")]
    public async Task bad_bodies_get_their_own_problem_code(string body, string code)
    {
        var problem = await Assert.ThrowsAsync<ApiProblemException>(() => Read(body));

        Assert.Equal(code, problem.Code);
        Assert.Equal(StatusCodes.Status400BadRequest, problem.Status);
    }

    [Fact]
    public async Task an_unknown_field_is_named_by_its_path()
    {
        var problem = await Assert.ThrowsAsync<ApiProblemException>(() => Read("""{"buyer":"b","lines":[{"serial":"s","quantity":1},{"serial":"t","quantity":1,"x":0}]}"""));

        Assert.Contains("$.lines[1].x", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_duplicate_field_is_named_by_its_path_and_not_resolved_to_either_value()
    {
        var problem = await Assert.ThrowsAsync<ApiProblemException>(() => Read("""{"buyer":"b","lines":[{"serial":"s","quantity":1},{"serial":"t","serial":"u","quantity":1}]}"""));

        Assert.Equal("duplicate_field", problem.Code);
        Assert.Contains("$.lines[1].serial", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_missing_field_is_named_by_its_path_not_by_the_object_that_lacks_it()
    {
        var top = await Assert.ThrowsAsync<ApiProblemException>(() => Read("""{"lines":[]}"""));
        var nested = await Assert.ThrowsAsync<ApiProblemException>(() => Read("""{"buyer":"b","lines":[{"serial":"s","quantity":1},{"serial":"t"}]}"""));

        Assert.Equal(("missing_field", "Missing field $.buyer."), (top.Code, top.Detail));
        Assert.Equal(("missing_field", "Missing field $.lines[1].quantity."), (nested.Code, nested.Detail));
    }

    [Fact]
    public async Task a_body_that_is_not_json_is_415()
    {
        var problem = await Assert.ThrowsAsync<ApiProblemException>(() => Read("buyer=org-1", "application/x-www-form-urlencoded"));

        Assert.Equal("unsupported_media_type", problem.Code);
    }

    [Fact]
    public async Task a_body_past_the_limit_fails_while_being_read_even_without_content_length()
    {
        var context = Request(new string(' ', 100) + """{"buyer":"org-1","lines":[]}""", "application/json");
        context.Request.Body = new LimitedReadStream(context.Request.Body, limit: 64);

        await Assert.ThrowsAsync<PayloadTooLargeException>(() => RequestJson.ReadAsync<Order>(context.Request, Options, TestContext.Current.CancellationToken));
    }

    private static Task<Order> Read(string body, string contentType = "application/json") =>
        RequestJson.ReadAsync<Order>(Request(body, contentType).Request, Options, TestContext.Current.CancellationToken);

    private static DefaultHttpContext Request(string body, string contentType)
    {
        var context = new DefaultHttpContext();
        context.Request.ContentType = contentType;
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        return context;
    }
}
