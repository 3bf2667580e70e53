using System.Security.Claims;
using System.Text.Encodings.Web;
using ChipRegistry.Api.Hosting;
using ChipRegistry.Api.Problems;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace ChipRegistry.Api.Keys;

/// <summary>
/// <c>Authorization: Bearer &lt;token&gt;</c>: the token is hashed and looked up among active keys. A missing
/// header is anonymous (endpoints that need a caller answer 401); a wrong or revoked token fails.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeys keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string OrganisationClaim = "organisation";
    public const string KeyIdClaim = "key_id";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (header.Length == 0)
        {
            return AuthenticateResult.NoResult();
        }
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.Fail("Only bearer API keys are accepted.");
        }
        var identity = await keys.AuthenticateAsync(header["Bearer ".Length..].Trim(), Context.RequestAborted);
        if (identity is null)
        {
            return AuthenticateResult.Fail("Unknown or revoked API key.");
        }
        var principal = new ClaimsPrincipal(new ClaimsIdentity(
            [
                new Claim(KeyIdClaim, identity.KeyId),
                new Claim(OrganisationClaim, identity.OrganisationId),
                new Claim(ClaimTypes.Role, identity.Role),
            ], SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        return ApiProblems.Result(StatusCodes.Status401Unauthorized, "unauthenticated", "A valid API key is required.", "Send Authorization: Bearer <key>.").ExecuteAsync(Context);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ApiProblems.Result(StatusCodes.Status403Forbidden, "forbidden", "This organisation's role may not use this endpoint.").ExecuteAsync(Context);
}

public static class ApiKeyAuthentication
{
    public const string AdminPolicy = "admin";

    public static WebApplicationBuilder AddApiKeys(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ApiKeys>();
        builder.Services.AddSingleton<SchemaReadiness>();
        builder.Services.AddHostedService<BootstrapAdminKey>();
        builder.Services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(AdminPolicy, policy => policy.RequireRole(ApiKeys.AdminRole));
        return builder;
    }

    public static string OrganisationId(this ClaimsPrincipal user) =>
        user.FindFirstValue(ApiKeyAuthenticationHandler.OrganisationClaim) ?? throw new InvalidOperationException("The caller is not authenticated.");
}
