using System.Diagnostics;
using Groove.Tests.Audio;
using Groove.Tests.Support;

namespace Groove.Tests.Cli;

/// <summary>
/// What a user mistypes or feeds the CLI (issue 20): every case ends in one line on stderr and a fitting exit code,
/// before any work when the command line itself is wrong.
/// </summary>
public class HardeningCliTests(BadInputFiles files) : IClassFixture<BadInputFiles>
{
    private static string Example => RepoPaths.Path("examples", "groove-example.wav");

    private static void OneLine(CliProcess.Result r, string expected)
    {
        var lines = r.StderrLines;
        Assert.True(lines.Length == 1, $"expected one line on stderr, got:\n{r.Stderr}");
        Assert.Contains(expected, lines[0]);
        Assert.DoesNotContain("internal error", r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);
    }

    [Fact]
    public void A_mistyped_option_is_refused_before_any_work_with_the_nearest_option()
    {
        var r = CliProcess.Run("key", files.Good, "--profle", "krumhansl");
        Assert.Equal(2, r.ExitCode);
        OneLine(r, "unknown option --profle (did you mean --profile?)");
        Assert.Equal("", r.Stdout); // no result with the default profile
    }

    [Fact]
    public void An_unknown_option_without_a_near_match_names_the_command()
    {
        var r = CliProcess.Run("beats", files.Good, "--zzzzzzzz");
        Assert.Equal(2, r.ExitCode);
        OneLine(r, "unknown option --zzzzzzzz for 'groove beats'");
    }

    [Fact]
    public void A_bad_option_value_is_one_line_and_exit_2()
    {
        var r = CliProcess.Run("beats", files.Good, "--format", "xml");
        Assert.Equal(2, r.ExitCode);
        OneLine(r, "xml");
        Assert.DoesNotContain("Usage:", r.Stderr + r.Stdout);
    }

    [Fact]
    public void After_a_double_dash_a_dash_name_is_a_file()
    {
        var r = CliProcess.Run("key", "--", "--profle");
        Assert.Equal(1, r.ExitCode);
        OneLine(r, "--profle: no such file");
    }

    [Fact]
    public void Did_you_mean_picks_the_nearest_option()
    {
        string[] known = ["--profile", "--out", "--force", "--local", "--json", "--model", "--mode-from"];
        Assert.Equal("--profile", Groove.Cli.Infrastructure.CommandLineErrors.Nearest("--profle", known));
        Assert.Equal("--force", Groove.Cli.Infrastructure.CommandLineErrors.Nearest("--frce", known));
        Assert.Equal("--local", Groove.Cli.Infrastructure.CommandLineErrors.Nearest("--locla", known));
        Assert.Null(Groove.Cli.Infrastructure.CommandLineErrors.Nearest("--xyzzyplugh", known));
    }

    public static TheoryData<string, string> UnusableOutFolders => new()
    {
        { "under-a-file", "is a file" },
        { "/proc/groove-test", "cannot create this folder" },
        { "/proc/self", "cannot write into this folder" },
    };

    [Theory]
    [MemberData(nameof(UnusableOutFolders))]
    public void An_unusable_out_folder_is_one_line_naming_it_before_any_analysis(string where, string expected)
    {
        string outDir = where == "under-a-file" ? Path.Combine(files.Good, "sub") : where;
        var r = CliProcess.Run("beats", files.Good, files.Missing, "--out", outDir);
        Assert.Equal(2, r.ExitCode);
        OneLine(r, outDir);
        Assert.Contains(expected, r.Stderr);
        // Checked first: the missing input (reported when analysis starts) is never reached.
        Assert.DoesNotContain("no such file", r.Stderr);
    }

    [Fact]
    public void Click_refuses_to_overwrite_an_existing_file_without_force()
    {
        using var dir = new TempDir();
        var target = dir.File("existing.wav");
        File.WriteAllText(target, "keep me");
        var r = CliProcess.Run("click", files.Good, "-o", target);
        Assert.Equal(2, r.ExitCode);
        OneLine(r, $"{target}: already exists (use --force");
        Assert.Equal("keep me", File.ReadAllText(target));

        var forced = CliProcess.Run("click", files.Good, "-o", target, "--force");
        Assert.Equal(0, forced.ExitCode);
        Assert.Equal(1.0, Groove.Audio.AudioFile.Load(target).Duration, 3);
    }

    [Fact]
    public void Click_into_a_folder_under_a_file_is_one_line()
    {
        var r = CliProcess.Run("click", files.Good, "-o", Path.Combine(files.Good, "x.wav"));
        Assert.Equal(2, r.ExitCode);
        OneLine(r, "is a file");
    }

    [Fact]
    public void Two_inputs_with_one_output_name_are_refused_before_work_starts()
    {
        using var dir = new TempDir();
        var wav = dir.File("rock.wav");
        var flac = dir.File("rock.flac");
        File.Copy(files.Good, wav);
        File.Copy(files.Good2, flac);
        var outDir = dir.File("out");
        var r = CliProcess.Run("beats", wav, flac, "--out", outDir);
        Assert.Equal(2, r.ExitCode);
        OneLine(r, "would both write");
        Assert.Empty(Directory.GetFiles(outDir));
    }

    [Fact]
    public void Max_duration_refuses_longer_files_naming_the_option_not_an_api()
    {
        var r = CliProcess.Run("beats", Example, "--max-duration", "10s");
        Assert.Equal(1, r.ExitCode);
        OneLine(r, "over the 0:10 limit");
        Assert.Contains("--max-duration", r.Stderr);
        Assert.DoesNotContain("AudioLoadOptions", r.Stderr);

        var bad = CliProcess.Run("beats", Example, "--max-duration", "soon");
        Assert.Equal(2, bad.ExitCode);
        OneLine(bad, "--max-duration soon: not a duration");
    }

    [Fact]
    public void The_three_hour_file_mentions_how_to_raise_the_limit()
    {
        var r = CliProcess.Run("tempo", files.ThreeHours);
        Assert.Equal(1, r.ExitCode);
        OneLine(r, "--max-duration");
        Assert.DoesNotContain("AudioLoadOptions", r.Stderr);
    }

    [Theory]
    [InlineData("90s", 90)]
    [InlineData("45m", 2700)]
    [InlineData("45", 2700)]
    [InlineData("2h", 7200)]
    [InlineData("1:30:00", 5400)]
    [InlineData("0:45", 45)]
    public void Max_duration_parses_its_forms(string text, double seconds)
    {
        Assert.True(Groove.Cli.Infrastructure.MaxDurationOption.TryParse(text, out var value));
        Assert.Equal(seconds, value.TotalSeconds, 6);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5m")]
    [InlineData("25h")]
    [InlineData("abc")]
    [InlineData("1:2:3:4")]
    public void Max_duration_refuses_nonsense(string text) =>
        Assert.False(Groove.Cli.Infrastructure.MaxDurationOption.TryParse(text, out _));

    [Fact]
    public void Dash_reads_standard_input()
    {
        var fromFile = CliProcess.Run("tempo", Example);
        var fromStdin = CliProcess.RunWithInput(Example, "tempo", "-");
        Assert.Equal(0, fromStdin.ExitCode);
        Assert.Equal(fromFile.Stdout, fromStdin.Stdout);
    }

    [Fact]
    public void Dash_with_nothing_piped_in_is_one_line()
    {
        var r = CliProcess.RunWithInput(null, "key", "-");
        Assert.Equal(1, r.ExitCode);
        OneLine(r, "-: empty file");
    }

    [Fact]
    public async Task A_fifo_is_read_like_a_file()
    {
        using var dir = new TempDir();
        var fifo = dir.File("song.fifo");
        MakeFifo(fifo);
        var writer = Task.Run(() =>
        {
            using var w = new FileStream(fifo, FileMode.Open, FileAccess.Write);
            using var f = File.OpenRead(Example);
            f.CopyTo(w);
        });
        var r = CliProcess.Run("tempo", fifo);
        await writer.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(CliProcess.Run("tempo", Example).Stdout, r.Stdout);
    }

    [Fact]
    public void A_fifo_nobody_writes_to_is_refused_instead_of_hanging()
    {
        using var dir = new TempDir();
        var fifo = dir.File("nobody.fifo");
        MakeFifo(fifo);
        var clock = Stopwatch.StartNew();
        var r = CliProcess.Run("tempo", fifo);
        Assert.Equal(1, r.ExitCode);
        OneLine(r, "nothing wrote to this pipe");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60));
    }

    private static void MakeFifo(string path)
    {
        using var p = Process.Start(new ProcessStartInfo("mkfifo", [path]) { UseShellExecute = false })!;
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
    }

    [Fact]
    public void Silence_gets_no_key_and_no_beats_with_reasons()
    {
        var key = CliProcess.Run("key", files.Silence);
        Assert.Equal(0, key.ExitCode);
        Assert.Contains("\tno key\t0.000", key.Stdout);
        Assert.Contains("no key: the audio is silent", key.Stderr);

        var beats = CliProcess.Run("beats", files.Silence);
        Assert.Equal(0, beats.ExitCode);
        Assert.Equal("", beats.Stdout.Trim());
        Assert.Contains("no beats: the audio is silent", beats.Stderr);
    }

    [Fact]
    public void A_tenth_of_a_second_gets_no_key_and_no_beats()
    {
        using var dir = new TempDir();
        var fragment = dir.File("fragment.wav");
        AudioTestFiles.Wav(fragment, 22050, Signals.Sine(440, 22050, 2205));
        var r = CliProcess.Run("analyze", fragment);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("beats        0", r.Stdout);
        Assert.Contains("key          no key (the audio is only 0.1 s long", r.Stdout);
        Assert.Contains("too short to find beats", r.Stderr);
    }
}

public class ServePortInUseTests
{
    [Fact]
    public void Serve_on_a_port_in_use_is_one_line_without_a_stack_trace()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
            using var dir = new TempDir();
            var r = CliProcess.Run("serve", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--data", dir.File("data"));
            Assert.Equal(1, r.ExitCode);
            var lines = r.StderrLines;
            Assert.True(lines.Length == 1, $"expected one line, got:\n{r.Stderr}{r.Stdout}");
            Assert.Contains($"cannot listen on 127.0.0.1:{port}: the port is in use", lines[0]);
            Assert.DoesNotContain("   at ", r.Stdout + r.Stderr);
            Assert.DoesNotContain("Kestrel", r.Stdout + r.Stderr);
        }
        finally
        {
            listener.Stop();
        }
    }
}
