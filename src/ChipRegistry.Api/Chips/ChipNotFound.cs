using System.Text;
using ChipRegistry.Api.Problems;

namespace ChipRegistry.Api.Chips;

/// <summary>
/// The one answer for a chip the caller may not see, whether the serial is unknown or held by others: a fixed
/// body written byte for byte, with no serial and no trace id, so nothing in the response (headers besides
/// Date, or body) tells a hidden chip from an unregistered one.
/// </summary>
public sealed class ChipNotFoundException() : Exception("No chip with this serial is visible to the caller.")
{
    public const string Code = "chip_not_found";

    public static ReadOnlyMemory<byte> Body { get; } = Encoding.UTF8.GetBytes(
        $$"""{"type":"{{ApiProblems.TypeFor(Code)}}","title":"No such chip.","status":404,"detail":"No chip with this serial is visible to this organisation.","code":"{{Code}}"}""");

    public static async Task WriteAsync(HttpContext context)
    {
        context.Response.Clear();
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        context.Response.ContentType = "application/problem+json";
        context.Response.ContentLength = Body.Length;
        await context.Response.Body.WriteAsync(Body, context.RequestAborted);
    }
}
