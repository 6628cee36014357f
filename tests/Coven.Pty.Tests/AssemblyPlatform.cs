// Coven runs on Linux only (PTYs, /proc, Unix sockets); this also lets the Unix-only file APIs build under CA1416.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
