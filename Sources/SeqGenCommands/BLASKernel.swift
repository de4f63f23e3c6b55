import Foundation
import SeqGenCLI
import SeqGenEngine

/// Makes sure OpenBLAS runs vector kernels.
///
/// Debian's OpenBLAS 0.3.21 chooses its kernels by CPU model when the library loads; on CPUs
/// newer than the library (e.g. Intel family 6 model 207) it falls back to "Prescott", SSE3
/// kernels about 3× slower on LSTM shapes. The choice can only be changed by the environment
/// before the library loads, so seqgen re-executes itself once with OPENBLAS_CORETYPE set:
/// SkylakeX (AVX-512) on Intel CPUs with AVX-512 (measured 1.5× Haswell's sgemm peak on a
/// family 6 model 207 Xeon), Haswell (AVX2 + FMA) elsewhere — on AMD Zen 4 Haswell's kernels
/// measured faster than the AVX-512 ones. Parity and gradient tests pass with each. A user's
/// own OPENBLAS_CORETYPE is always respected.
enum BLASKernel {
  static func ensureVectorKernels() {
    let env = ProcessInfo.processInfo.environment
    guard env["OPENBLAS_CORETYPE"] == nil, env["SEQGEN_BLAS_REEXEC"] == nil,
      BLAS.coreName.lowercased() == "prescott", let kernel = bestKernel()
    else { return }
    setenv("OPENBLAS_CORETYPE", kernel, 1)
    setenv("SEQGEN_BLAS_REEXEC", "1", 1)
    let args = CommandLine.arguments.map { strdup($0) } + [nil]
    execv("/proc/self/exe", args)
    // exec failed: carry on with the slow kernels.
  }

  /// The OpenBLAS kernel set for this CPU, or nil to leave the library's choice.
  static func bestKernel() -> String? {
    guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
      let flagLine = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
    else { return nil }
    let flags = Set(flagLine.split(separator: " "))
    guard flags.contains("avx2") && flags.contains("fma") else { return nil }
    let intel = info.contains("GenuineIntel")
    return intel && flags.contains("avx512f") && flags.contains("avx512bw") ? "SkylakeX" : "Haswell"
  }
}
