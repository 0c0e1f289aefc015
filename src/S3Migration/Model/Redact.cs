using System;

namespace S3Migration.Model
{
    /// <summary>
    /// Keeps secrets out of messages: user info, query strings (signatures live there) and fragments are dropped. A rule
    /// of what any message may show, so every layer that names a URL (the S3 connection, the people CSV) asks it.
    /// </summary>
    public static class Redact
    {
        public static string Url(string url)
        {
            var cut0 = url.IndexOfAny(new[] { '?', '#' });
            if (cut0 >= 0) url = url.Substring(0, cut0);
            if (Uri.TryCreate(url, UriKind.Absolute, out var uri))
                return uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);
            var cut = url.IndexOfAny(new[] { '?', '#' });
            var text = cut >= 0 ? url.Substring(0, cut) : url;
            var at = text.IndexOf('@');
            return at >= 0 ? "…" + text.Substring(at) : text;
        }
    }
}
