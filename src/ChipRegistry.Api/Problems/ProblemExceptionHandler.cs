using ChipRegistry.Api.Chips;
using ChipRegistry.Domain.Chips;
using ChipRegistry.Domain.Persistence;
using ChipRegistry.EventStore;
using Microsoft.AspNetCore.Diagnostics;

namespace ChipRegistry.Api.Problems;

/// <summary>
/// The one place exceptions become problem details: known failures keep their status and code, an unreachable
/// database is 503 (<see cref="DatabaseUnavailable"/>); anything else is a logged 500 with code
/// <c>internal_error</c> and no internals in the body.
/// </summary>
internal sealed class ProblemExceptionHandler(IProblemDetailsService problemDetails, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is ChipNotFoundException
            || exception is DomainRejectedException { Error.Code: ChipErrors.ChipNotRegistered })
        {
            await ChipNotFoundException.WriteAsync(httpContext);
            return true;
        }
        var problem = exception switch
        {
            ApiProblemException known => known,
            DomainRejectedException rejected => DomainProblems.ToProblem(rejected.Error),
            StreamVersionConflictException => new ApiProblemException(StatusCodes.Status409Conflict, "concurrent_write",
                "Another request changed the same record at the same moment.", "Read it again and retry."),
            _ when DatabaseUnavailable.Is(exception) => DatabaseUnavailable.Problem(),
            _ => null,
        };
        if (problem is null)
        {
            logger.LogError(exception, "Unhandled exception for {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
            problem = new ApiProblemException(StatusCodes.Status500InternalServerError, "internal_error", "The registry failed to process the request.");
        }
        else if (problem.Code == DatabaseUnavailable.Code)
        {
            logger.LogWarning(exception, "Database unavailable for {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
        }
        if (problem.RetryAfterSeconds is { } retryAfter)
        {
            httpContext.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        httpContext.Response.StatusCode = problem.Status;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = problem.Status,
                Title = problem.Title,
                Detail = problem.Detail,
                Type = ApiProblems.TypeFor(problem.Code),
                Extensions = { ["code"] = problem.Code },
            },
        });
    }
}
