using System.Security.Cryptography;
using System.Text;
using Coven.Core.Api;

namespace Coven.Daemon.Web;

/// <summary>
/// Who may use the cockpit's TCP listener (docs/web.md "Security"). Peer uids do not exist on TCP, so the
/// per-start token is the authority: given once in the URL, exchanged for an HttpOnly SameSite=Strict cookie, or
/// sent as <c>Authorization: Bearer</c> by a non-browser client. Host and Origin must name this listener (DNS
/// rebinding), and a cookie-authenticated request that changes state must carry this listener's Origin (CSRF).
/// </summary>
internal sealed class WebGuard
{
    private readonly byte[] _token;
    private readonly byte[] _cookie;
    private readonly string[] _hosts;
    private readonly string[] _origins;

    public WebGuard(string token, string cookieValue, int port)
    {
        Token = token;
        CookieValue = cookieValue;
        CookieName = "coven_web_" + port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _token = Encoding.UTF8.GetBytes(token);
        _cookie = Encoding.UTF8.GetBytes(cookieValue);
        var p = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _hosts = ["127.0.0.1:" + p, "localhost:" + p];
        _origins = ["http://127.0.0.1:" + p, "http://localhost:" + p];
    }

    public string Token { get; }
    public string CookieValue { get; }

    /// <summary>Per port: cookies are scoped by host, not port, so two daemons' cockpits on 127.0.0.1 must not share one.</summary>
    public string CookieName { get; }

    /// <summary>A random URL-safe secret of 32 bytes.</summary>
    public static string NewSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public bool HostAllowed(string? host) => host is not null && _hosts.Contains(host, StringComparer.OrdinalIgnoreCase);

    public bool OriginAllowed(string? origin) => origin is not null && _origins.Contains(origin, StringComparer.OrdinalIgnoreCase);

    public bool TokenMatches(string? token) => token is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), _token);

    /// <summary>The refusal for this request, or null when it may go on (after the token exchange, which needs no cookie).</summary>
    public Refusal? Check(HttpRequest request, bool exchangingToken)
    {
        if (!HostAllowed(request.Headers.Host.ToString()))
        {
            return new(403, ErrorCodes.WebForbidden, "the Host header does not name this cockpit's address (127.0.0.1 or localhost with its port); refused to prevent DNS rebinding.");
        }

        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0 && !OriginAllowed(origin))
        {
            return new(403, ErrorCodes.WebForbidden, "the request comes from another origin; the cockpit answers only its own page.");
        }

        // The exchange may come from anywhere (`coven web --open` opens a local file that forwards to it): it does
        // nothing without the token, and its answer forwards to the page from the page's own origin.
        if (exchangingToken)
        {
            return null;
        }

        // Browsers say where a request comes from; anything but the page itself (or a typed URL) is refused.
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0 && site is not ("same-origin" or "none"))
        {
            return new(403, ErrorCodes.WebForbidden, "the request comes from another site (Sec-Fetch-Site: " + site + ").");
        }

        var bearer = request.Headers.Authorization.ToString();
        if (bearer.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            // A header a foreign page cannot make a browser send without a CORS preflight, which is never granted.
            return TokenMatches(bearer["Bearer ".Length..].Trim()) ? null : Unauthorized();
        }

        var cookie = request.Cookies[CookieName];
        if (cookie is null || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(cookie), _cookie))
        {
            return Unauthorized();
        }

        // The cookie travels with every request the browser makes; a state change must also prove it is our page.
        var safe = HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method);
        return safe || OriginAllowed(origin)
            ? null
            : new(403, ErrorCodes.WebForbidden, "a state-changing request needs this cockpit's Origin header (CSRF guard).");
    }

    private static Refusal Unauthorized() => new(401, ErrorCodes.WebUnauthorized, "no valid cockpit token: open the URL that `coven web` prints.");

    internal sealed record Refusal(int Status, string Code, string Message);
}
