using System.Net;
using System.Net.Sockets;

namespace Groove.Cli.Infrastructure;

/// <summary>Whether <c>groove serve</c> can listen where it was asked to, before the web server tries (and logs a stack trace).</summary>
internal static class PortCheck
{
    /// <summary>"cannot listen on HOST:PORT: ..." when the address cannot be bound, or null (also for port 0 and
    /// host names, which the server resolves itself).</summary>
    /// <param name="host">The --host value.</param>
    /// <param name="port">The --port value.</param>
    public static string? Problem(string host, int port)
    {
        if (port is <= 0 or > 65535) return null;
        IPAddress? address = host switch
        {
            "localhost" => IPAddress.Loopback,
            "*" or "0.0.0.0" => IPAddress.Any,
            "::" or "[::]" => IPAddress.IPv6Any,
            _ => IPAddress.TryParse(host.Trim('[', ']'), out var ip) ? ip : null,
        };
        if (address is null) return null;
        try
        {
            var listener = new TcpListener(address, port);
            listener.Start();
            listener.Stop();
            return null;
        }
        catch (SocketException e)
        {
            string why = e.SocketErrorCode switch
            {
                SocketError.AddressAlreadyInUse => "the port is in use by another program (choose another with --port)",
                SocketError.AccessDenied => "permission denied (ports below 1024 need privileges; choose another with --port)",
                SocketError.AddressNotAvailable => "this machine has no such address (check --host)",
                _ => e.Message,
            };
            return $"cannot listen on {host}:{port}: {why}";
        }
    }
}
