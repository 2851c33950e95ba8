//! The `sitroom` binary: see `sitroom --help`.

fn main() -> std::process::ExitCode {
    sitroom::cli::main()
}
