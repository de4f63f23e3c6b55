import Foundation
import SeqGenEngine

/// Makes sure OpenBLAS runs vector kernels.
///
/// Debian's OpenBLAS 0.3.21 chooses its kernels by CPU model when the library loads; on CPUs
/// newer than the library (e.g. Intel family 6 model 207) it falls back to "Prescott", SSE3
/// kernels about 3× slower on LSTM shapes. The choice can only be changed by the environment
/// before the library loads, so seqgen re-executes itself once with OPENBLAS_CORETYPE=Haswell
/// (AVX2 + FMA kernels) when the CPU has those instructions. A user's own OPENBLAS_CORETYPE is
/// always respected.
enum BLASKernel {
  static func ensureVectorKernels() {
    let env = ProcessInfo.processInfo.environment
    guard env["OPENBLAS_CORETYPE"] == nil, env["SEQGEN_BLAS_REEXEC"] == nil,
      BLAS.coreName.lowercased() == "prescott", cpuHasAVX2AndFMA()
    else { return }
    setenv("OPENBLAS_CORETYPE", "Haswell", 1)
    setenv("SEQGEN_BLAS_REEXEC", "1", 1)
    let args = CommandLine.arguments.map { strdup($0) } + [nil]
    execv("/proc/self/exe", args)
    // exec failed: carry on with the slow kernels.
  }

  private static func cpuHasAVX2AndFMA() -> Bool {
    guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
      let flags = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
    else { return false }
    let set = Set(flags.split(separator: " "))
    return set.contains("avx2") && set.contains("fma")
  }
}
