using ChipRegistry.Api.Catalog;
using ChipRegistry.Api.Chips.Lifecycle;
using ChipRegistry.Api.Chips.Lots;
using ChipRegistry.Api.Chips.Observations;
using ChipRegistry.Api.Feed;
using ChipRegistry.Api.Health;
using ChipRegistry.Api.Hosting;
using ChipRegistry.Api.Idempotency;
using ChipRegistry.Api.Keys;
using ChipRegistry.Api.Limits;
using ChipRegistry.Api.OpenApi;
using ChipRegistry.Api.Problems;

var builder = WebApplication.CreateBuilder(args);
builder.AddRegistryOptions();
builder.AddRegistryStore();
builder.AddApiKeys();
builder.AddRegistryDaemon();
builder.AddFeed();
builder.AddCatalogSeeding();
builder.AddChipWrites();
builder.AddBodySizeLimits();
builder.AddRateLimits();
builder.Services.AddProblemDetails();
builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
builder.Services.AddRegistryHealthChecks();
builder.AddRegistryOpenApi();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseRateLimiter();
app.UseBodySizeLimits();
app.UseAuthentication();
app.UseAuthorization();
app.UseIdempotencyKeys();
app.MapOpenApi();
app.MapHealthEndpoints();
app.MapKeyEndpoints();
app.MapFeedEndpoints();
app.MapCatalogEndpoints();
app.MapLotEndpoints();
app.MapChipLifecycleEndpoints();
app.MapObservationEndpoints();
app.LogListeningAddresses();
app.Run();

/// <summary>The entry point, visible to the in-process test host.</summary>
public partial class Program;
