using System.Reflection;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;

namespace Groove.Web.Api;

/// <summary>The page (HTML, JS, CSS, icon), embedded in this assembly and served from memory with ETags.</summary>
internal sealed class StaticAssets
{
    private const string Prefix = "wwwroot/";
    private readonly Dictionary<string, (byte[] Bytes, string ContentType, string ETag)> _files = new(StringComparer.Ordinal);

    public StaticAssets()
    {
        var asm = typeof(StaticAssets).Assembly;
        foreach (var name in asm.GetManifestResourceNames())
        {
            if (!name.StartsWith(Prefix, StringComparison.Ordinal)) continue;
            using var s = asm.GetManifestResourceStream(name)!;
            using var ms = new MemoryStream();
            s.CopyTo(ms);
            var bytes = ms.ToArray();
            var etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(bytes))[..16] + "\"";
            _files[name[Prefix.Length..].Replace('\\', '/')] = (bytes, ContentTypeOf(name), etag);
        }
    }

    public IEnumerable<string> Names => _files.Keys;

    public IResult Serve(HttpContext context, string name)
    {
        if (!_files.TryGetValue(name, out var f))
            return Results.Text("Not found", "text/plain; charset=utf-8", statusCode: StatusCodes.Status404NotFound);
        context.Response.Headers.ETag = f.ETag;
        context.Response.Headers.CacheControl = "no-cache";
        if (context.Request.Headers.IfNoneMatch == f.ETag) return Results.StatusCode(StatusCodes.Status304NotModified);
        return Results.Bytes(f.Bytes, f.ContentType);
    }

    private static string ContentTypeOf(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        _ => "application/octet-stream",
    };
}
