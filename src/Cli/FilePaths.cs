namespace TapeAD.Cli;

/// <summary>Whether two paths name the same file, however they are spelled.</summary>
public static class FilePaths
{
    /// <summary>
    /// True when <paramref name="a"/> and <paramref name="b"/> lead to the same file: after making them
    /// absolute (<c>./x.csv</c>, <c>dir/../x.csv</c>) and following symbolic links in every component.
    /// Hard links are not detected (.NET does not expose inode numbers).
    /// </summary>
    public static bool Same(string a, string b) =>
        string.Equals(Resolve(a), Resolve(b), OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);

    /// <summary>The absolute path with every symbolic link along it followed (a missing tail is kept as written).</summary>
    private static string Resolve(string path)
    {
        string full = Path.GetFullPath(path);
        string root = Path.GetPathRoot(full)!;
        string current = root;
        // A link may point through other links; 40 is the limit Linux itself applies.
        for (int hops = 0; hops < 40; hops++)
        {
            bool followed = false;
            string rest = full[root.Length..];
            current = root;
            var parts = rest.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
            for (int i = 0; i < parts.Length; i++)
            {
                string next = Path.Combine(current, parts[i]);
                FileSystemInfo info = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
                if (info.Exists && info.LinkTarget is { } target)
                {
                    string resolved = Path.GetFullPath(target, current);
                    full = Path.Combine([resolved, .. parts[(i + 1)..]]);
                    root = Path.GetPathRoot(full)!;
                    followed = true;
                    break;
                }
                current = next;
            }
            if (!followed) return current;
        }
        return full;
    }
}
