namespace OrchestrationMaint.Web.Api;

/// <summary>
/// POSTs to the API must say <c>Content-Type: application/json</c>. A browser cannot send that to
/// another site without a CORS preflight, which this app never grants: so a web page an operator
/// happens to visit cannot start, restore or cancel anything here.
/// </summary>
internal static class JsonOnly
{
    public static RouteHandlerBuilder RequireJsonContent(this RouteHandlerBuilder builder) => builder.AddEndpointFilter(async (context, next) =>
        context.HttpContext.Request.HasJsonContentType()
            ? await next(context)
            : TypedResults.Problem("Send Content-Type: application/json (with {} when there is nothing else to send).",
                statusCode: StatusCodes.Status415UnsupportedMediaType, title: "JSON only"));
}
