namespace ChipRegistry.Api.Tests.Docs;

public sealed class CurlWalkthroughTests
{
    private const string Sample = """
        # Title
        ## Walk
        Text.
        ```sh
        export REGISTRY=http://127.0.0.1:5080
        # register a lot → 201
        curl -sS -X POST "$REGISTRY/api/v1/lots" \
          -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
          -d '{"lotId":"L-1","note":"it'\''s"}'
        export TOKEN=$(curl -sS "$REGISTRY/api/v1/x" -H "Authorization: Bearer ${KEY}" | jq -r .token)
        ```
        ```json
        {"not": "replayed"}
        ```
        ## Next
        ```sh
        rm -rf /
        ```
        """;

    [Fact]
    public void commands_of_a_section_carry_the_status_of_the_comment_before_them_and_join_continued_lines()
    {
        var commands = CurlWalkthrough.Commands(Sample, "Walk");

        Assert.Equal(3, commands.Count);
        Assert.Null(commands[0].Expected);
        Assert.Equal(201, commands[1].Expected);
        Assert.StartsWith("curl -sS -X POST \"$REGISTRY/api/v1/lots\" -H", commands[1].Command, StringComparison.Ordinal);
        Assert.Null(commands[2].Expected);
    }

    [Fact]
    public void curl_is_parsed_with_shell_quoting_and_variables_and_exports_name_the_field_to_keep()
    {
        var variables = new Dictionary<string, string> { ["KEY"] = "k1" };
        var commands = CurlWalkthrough.Commands(Sample, "Walk");

        Assert.Null(CurlWalkthrough.Parse(commands[0].Line, commands[0].Command, commands[0].Expected, variables));
        var post = CurlWalkthrough.Parse(commands[1].Line, commands[1].Command, commands[1].Expected, variables)!;
        var export = CurlWalkthrough.Parse(commands[2].Line, commands[2].Command, commands[2].Expected, variables)!;

        Assert.Equal(("POST", "http://127.0.0.1:5080/api/v1/lots"), (post.Method, post.Url));
        Assert.Contains(new KeyValuePair<string, string>("Authorization", "Bearer k1"), post.Headers);
        Assert.Equal("""{"lotId":"L-1","note":"it's"}""", post.Body);
        Assert.Equal(("GET", "TOKEN", "token"), (export.Method, export.ExportName, export.ExportPath));
    }

    [Fact]
    public void a_quoted_body_goes_on_over_line_breaks_as_in_the_shell_and_an_unclosed_one_stops_at_the_end_of_the_block()
    {
        const string markdown = """
            ## Walk
            ```sh
            # a lot → 201
            curl -sS -X POST http://h/lots -H 'Content-Type: application/json' \
              -d '{"lotId":"L-1",
                   "serials":["a:1"]}'
            curl -sS http://h/next
            curl -d '{"open":
            ```
            Prose with a ' quote.
            """;
        var commands = CurlWalkthrough.Commands(markdown, "Walk");

        Assert.Equal(3, commands.Count);
        var lot = CurlWalkthrough.Parse(commands[0].Line, commands[0].Command, commands[0].Expected, new Dictionary<string, string>())!;
        Assert.Equal("{\"lotId\":\"L-1\",\n       \"serials\":[\"a:1\"]}", lot.Body);
        Assert.Equal(201, lot.ExpectedStatus);
        Assert.Equal("curl -sS http://h/next", commands[1].Command);
        Assert.Throws<FormatException>(() => CurlWalkthrough.Parse(commands[2].Line, commands[2].Command, null, new Dictionary<string, string>()));
    }

    [Theory]
    [InlineData("rm -rf /")]
    [InlineData("curl --upload-file x http://h/")]
    [InlineData("curl \"$UNSET/x\"")]
    public void anything_the_replay_would_not_do_as_written_is_an_error(string command) =>
        Assert.Throws<FormatException>(() => CurlWalkthrough.Parse(1, command, 200, new Dictionary<string, string>()));
}
