import CBLAS

/// Row-major matrix products through OpenBLAS; the one place the engine calls `cblas_sgemm`.
public enum BLAS {
  /// C (M×N) = alpha · op(A) · op(B) + beta · C, all row-major.
  ///
  /// - Parameters:
  ///   - transA: use Aᵀ; A is stored (K×M) then, else (M×K). `lda` is its row stride.
  ///   - transB: use Bᵀ; B is stored (N×K) then, else (K×N). `ldb` is its row stride.
  @inline(__always)
  public static func gemm(
    transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
    alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    guard m > 0, n > 0 else { return }
    _ = Parallel.concurrent  // makes OpenBLAS single-threaded before its first use
    if k == 0 {
      if beta == 0 {
        for r in 0..<m { (c + r * ldc).update(repeating: 0, count: n) }
      }
      return
    }
    if m == 1 {
      // One row (generation at batch 1): a matrix-vector product. OpenBLAS's sgemm packs all
      // of B for it on every call, which took 78% of a speech model's generation time.
      let incA = Int32(transA ? lda : 1)
      cblas_sgemv(
        CblasRowMajor, transB ? CblasNoTrans : CblasTrans, Int32(transB ? n : k), Int32(transB ? k : n), alpha, b,
        Int32(ldb), a, incA, beta, c, 1)
      return
    }
    cblas_sgemm(
      CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
      Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
  }

  /// The name of the CPU kernel set OpenBLAS picked (`openblas_get_corename`).
  public static var coreName: String { String(cString: openblas_get_corename()) }

  /// How OpenBLAS was built (`openblas_get_config`).
  public static var config: String { String(cString: openblas_get_config()) }

  /// Threads OpenBLAS uses (`openblas_get_num_threads`).
  public static var threads: Int {
    _ = Parallel.concurrent
    return Int(openblas_get_num_threads())
  }
}
