using ChipRegistry.Domain.Common;
using ChipRegistry.Domain.Persistence;

namespace ChipRegistry.Api.Chips;

/// <summary>
/// Serials are case-insensitive (<see cref="Serials"/>): a request addressing <c>/chips/nvidia:bd-2</c> reaches the chip
/// registered as <c>nvidia:BD-2</c>. Before the endpoint binds its <c>{chipId}</c> route value, the value is replaced by
/// the registered id (one indexed query); an id no chip answers to is left as sent, and answers as it always did.
/// </summary>
public static class ChipIdCasing
{
    public const string RouteValue = "chipId";

    public static IApplicationBuilder UseChipIdCasing(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (context.Request.RouteValues.TryGetValue(RouteValue, out var value) && value is string chipId && ChipIds.IsWellFormed(chipId))
            {
                var reads = context.RequestServices.GetRequiredService<RegistryReads>();
                context.Request.RouteValues[RouteValue] = (await reads.RegisteredChipIdsAsync([chipId], context.RequestAborted))[chipId];
            }
            await next(context);
        });
}
