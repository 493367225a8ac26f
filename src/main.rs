fn main() -> std::process::ExitCode {
    setara::cli::main()
}
