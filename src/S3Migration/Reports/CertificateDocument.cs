using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Text;

namespace S3Migration.Reports
{
    /// <summary>A small document (headings, paragraphs, tables) rendered to Markdown and to HTML from the same blocks.</summary>
    public sealed class CertificateDocument
    {
        private abstract class Block { }
        private sealed class Heading : Block { public int Level; public string Text = ""; }
        private sealed class Para : Block { public string Text = ""; }
        private sealed class Table : Block { public string[] Headers = new string[0]; public List<string[]> Rows = new List<string[]>(); }
        private sealed class Bullets : Block { public List<string> Items = new List<string>(); }

        private readonly List<Block> _blocks = new List<Block>();
        public string Title { get; }
        public CertificateDocument(string title) => Title = title;

        public CertificateDocument H(int level, string text) { _blocks.Add(new Heading { Level = level, Text = text }); return this; }
        public CertificateDocument P(string text) { _blocks.Add(new Para { Text = text }); return this; }
        public CertificateDocument T(string[] headers, IEnumerable<string[]> rows) { _blocks.Add(new Table { Headers = headers, Rows = rows.ToList() }); return this; }
        /// <summary>A bulleted list (the final report's lists and the lines people fill in).</summary>
        public CertificateDocument L(IEnumerable<string> items) { _blocks.Add(new Bullets { Items = items.ToList() }); return this; }

        public string ToMarkdown()
        {
            var sb = new StringBuilder();
            sb.Append("# ").Append(Title).Append("\n\n");
            foreach (var b in _blocks)
                switch (b)
                {
                    case Heading h: sb.Append(new string('#', h.Level)).Append(' ').Append(h.Text).Append("\n\n"); break;
                    case Para p: sb.Append(p.Text).Append("\n\n"); break;
                    case Table t:
                        sb.Append("| ").Append(string.Join(" | ", t.Headers.Select(Cell))).Append(" |\n");
                        sb.Append("|").Append(string.Concat(t.Headers.Select(_ => "---|"))).Append('\n');
                        foreach (var r in t.Rows) sb.Append("| ").Append(string.Join(" | ", r.Select(Cell))).Append(" |\n");
                        sb.Append('\n');
                        break;
                    case Bullets l:
                        foreach (var i in l.Items) sb.Append("- ").Append(i.Replace("\r", " ").Replace("\n", " ")).Append('\n');
                        sb.Append('\n');
                        break;
                }
            return sb.ToString();
        }

        public string ToHtml()
        {
            var sb = new StringBuilder();
            sb.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E(Title)).Append("</title>\n")
              .Append("<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}table{border-collapse:collapse}td,th{border:1px solid #999;padding:.3em .6em;text-align:left}</style>\n")
              .Append("</head><body>\n<h1>").Append(E(Title)).Append("</h1>\n");
            foreach (var b in _blocks)
                switch (b)
                {
                    case Heading h: sb.Append($"<h{h.Level}>").Append(E(h.Text)).Append($"</h{h.Level}>\n"); break;
                    case Para p: sb.Append("<p>").Append(E(p.Text)).Append("</p>\n"); break;
                    case Table t:
                        sb.Append("<table><tr>").Append(string.Concat(t.Headers.Select(x => "<th>" + E(x) + "</th>"))).Append("</tr>\n");
                        foreach (var r in t.Rows) sb.Append("<tr>").Append(string.Concat(r.Select(x => "<td>" + E(x) + "</td>"))).Append("</tr>\n");
                        sb.Append("</table>\n");
                        break;
                    case Bullets l:
                        sb.Append("<ul>").Append(string.Concat(l.Items.Select(x => "<li>" + E(x) + "</li>"))).Append("</ul>\n");
                        break;
                }
            return sb.Append("</body></html>\n").ToString();
        }

        private static string Cell(string s) => s.Replace("|", "\\|").Replace("\r", " ").Replace("\n", " ");
        private static string E(string s) => WebUtility.HtmlEncode(s);
    }
}
