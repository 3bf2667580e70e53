using ChipRegistry.Api.Health;
using ChipRegistry.Api.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddRegistryOptions();
builder.Services.AddProblemDetails();
builder.Services.AddRegistryHealthChecks();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapHealthEndpoints();
app.LogListeningAddresses();
app.Run();

/// <summary>The entry point, visible to the in-process test host.</summary>
public partial class Program;
