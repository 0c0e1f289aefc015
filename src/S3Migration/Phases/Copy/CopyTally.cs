using System;
using System.Collections.Generic;
using System.Linq;
using S3Migration.Model;

namespace S3Migration.Phases.Copy
{
    /// <summary>
    /// Per-person counts of one copy run, so the operator hears when a person's files are all done. The input comes
    /// person by person (the inventory's order), so a person is done once the input has moved on and none of their copies runs.
    /// </summary>
    public sealed class CopyTally
    {
        private sealed class Counts { public int Pending, Verified, Failed, Conflicts; }

        private readonly Dictionary<string, Counts> _persons = new Dictionary<string, Counts>(StringComparer.Ordinal);
        private string _current = "";

        /// <summary>"RowId PersonName", or "" for an item without a person.</summary>
        public static string PersonOf(PlannedCopy item) => item.RowId.Length > 0 ? $"{item.RowId} {item.PersonName}" : "";

        /// <summary>Counts a copy that starts; the lines of persons the input has moved past and that are done.</summary>
        public IReadOnlyList<string> Started(PlannedCopy item)
        {
            var person = PersonOf(item);
            var done = Array.Empty<string>() as IReadOnlyList<string>;
            if (person != _current) { _current = person; done = Finished(); }
            if (!_persons.TryGetValue(person, out var p)) _persons[person] = p = new Counts();
            p.Pending++;
            return done;
        }

        public void Ended(MigrationResult r)
        {
            if (!_persons.TryGetValue(PersonOf(r), out var p)) return;
            p.Pending--;
            if (r.Status == MigrationResultStatus.Verified || r.Status == MigrationResultStatus.Skipped) p.Verified++;
            else if (r.Status == MigrationResultStatus.Failed) p.Failed++;
            else if (r.Status == MigrationResultStatus.Conflict) p.Conflicts++;
        }

        /// <summary>The lines of persons done (none of their copies runs, and the input has moved past them), each said once.</summary>
        public IReadOnlyList<string> Finished()
        {
            var lines = new List<string>();
            foreach (var name in _persons.Where(p => p.Value.Pending == 0 && p.Key != _current).Select(p => p.Key).ToList())
            {
                var p = _persons[name];
                _persons.Remove(name);
                if (name.Length > 0) lines.Add($"Person {name} done: {p.Verified} verified, {p.Failed} failed, {Plural.Of(p.Conflicts, "conflict")}.");
            }
            return lines;
        }

        /// <summary>At the end of the input: every person is past.</summary>
        public IReadOnlyList<string> FinishedAll()
        {
            _current = "\0";
            return Finished();
        }
    }
}
