import Remote
import Preflight

/// The one script that applies a plan: every step runs (a failure does not skip the rest, so one problem
/// does not hide others) and reports `==> step N rc=R` with its output.
public enum ApplyScript {
    public static func text(_ steps: [PreparePlan.Step]) -> String {
        var lines = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH; LC_ALL=C; export PATH LC_ALL; umask 022"]
        for (index, step) in steps.enumerated() {
            lines.append("o=$( (\(step.command)) 2>&1 </dev/null ); printf '==> step %s rc=%s\\n%s\\n' \(index) \"$?\" \"$o\"")
        }
        lines.append("echo '==> end'")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Judges what the script printed (pure): changed when every required step succeeded, failed otherwise.
    public static func outcome(of plan: PreparePlan, output: CommandResult, host: String,
                               earlierWarnings: [String] = []) -> PrepareReport.HostReport {
        let sections = ProbeSections(parsing: output.stdoutText)
        var done: [String] = []
        var failures: [String] = []
        var warnings = earlierWarnings
        for (index, step) in plan.steps.enumerated() {
            guard let section = sections["step \(index)"], let status = section.exitStatus else {
                failures.append("\(step.title): did not run (the script stopped: \(output.stderrText.prefix(200)))")
                continue
            }
            let detail = section.text.split(separator: "\n").suffix(3).joined(separator: " / ")
            if status == 0 {
                done.append(step.title)
            } else if step.required {
                failures.append("\(step.title): exit status \(status)\(detail.isEmpty ? "" : ": " + detail)")
            } else {
                warnings.append("\(host): \(step.title) failed (exit status \(status))\(detail.isEmpty ? "" : ": " + detail)")
            }
        }
        if !failures.isEmpty {
            let also = done.isEmpty ? "" : " (done: \(done.joined(separator: "; ")))"
            return .init(name: host, status: .failed(failures.joined(separator: "; ") + also), warnings: warnings)
        }
        return .init(name: host, status: done.isEmpty ? .unchanged : .changed(done), warnings: warnings)
    }
}
