import Foundation

/// C (M×N) = A (M×K) · B (K×N), or C += that, with B packed once into 32-column panels, for
/// the LSTM's per-step recurrent products.
///
/// Those products are small (16–32 rows of a batch against a 128–512-wide weight) and run 100
/// times per chunk against the same weights. OpenBLAS re-packs the weight on every call: at
/// 1×128 the packing took a fifth of a training step, as much as half of its kernel time. Here
/// the weight is packed once per chunk and each step runs only the kernel: 8 rows × 32 columns
/// of C held in sixteen 16-lane registers while K streams past, the A values broadcast.
///
/// The module is compiled for AVX-512 (two 16-lane FMAs per cycle on the machines we run on;
/// the engine itself is built for AVX2), so nothing here may run unless `isAvailable` says the
/// CPU has it.
public enum PackedGEMM {
  public typealias V = SIMD16<Float>
  /// Columns per packed panel.
  public static let panelWidth = 32

  /// True when this build has the AVX-512 kernel and the CPU can run it.
  public static let isAvailable: Bool = {
    #if SEQGEN_AVX512 && os(Linux)
      guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
        let flags = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
      else { return false }
      // What `-target-cpu skylake-avx512` lets the compiler use (Package.swift).
      let set = Set(flags.split(separator: " ").map(String.init))
      let needed = ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl", "avx2", "fma", "bmi2"]
      return needed.allSatisfy(set.contains) && ProcessInfo.processInfo.environment["SEQGEN_NO_AVX512"] == nil
    #else
      return false
    #endif
  }()

  /// Floats needed for a packed K×N matrix.
  public static func packedCount(k: Int, n: Int) -> Int { k * n }

  /// Whether B's shape suits the packed product.
  public static func supports(n: Int) -> Bool { isAvailable && n > 0 && n % panelWidth == 0 }

  /// Packs B (K×N) into `packed`: panel p holds B[0..<K][32p..<32p+32], K rows of 32 in a row.
  ///
  /// - Parameters:
  ///   - transposed: B is given as Bᵀ, stored (N×K) with row stride `ldb` (a weight stored
  ///     (out, in) used as x·Wᵀ); otherwise (K×N) with row stride `ldb`.
  ///   - columns: the panels to pack (a range of panel indices), so two threads can share it.
  public static func pack(
    _ b: UnsafePointer<Float>, ldb: Int, transposed: Bool, k: Int, n: Int, panels: Range<Int>,
    into packed: UnsafeMutablePointer<Float>
  ) {
    let w = panelWidth
    for p in panels {
      let dst = packed + p * k * w
      if transposed {
        for j in 0..<w {
          let src = b + (p * w + j) * ldb
          for kk in 0..<k { dst[kk * w + j] = src[kk] }
        }
      } else {
        for kk in 0..<k { (dst + kk * w).update(from: b + kk * ldb + p * w, count: w) }
      }
    }
  }

  /// C (M×N) = A · B, or C += A · B when `accumulate`; B packed by `pack`, N a multiple of 32.
  @inline(never)
  public static func multiply(
    m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, packed: UnsafePointer<Float>,
    c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool
  ) {
    let w = panelWidth
    // Panel outside, rows inside: a 32-column panel of B (K·128 bytes) stays in L1 while every
    // row block of A passes it.
    for p in 0..<(n / w) {
      let panel = packed + p * k * w
      var r = 0
      while r + 8 <= m {
        block8(k: k, a: a + r * lda, lda: lda, panel: panel, c: c + r * ldc + p * w, ldc: ldc, accumulate: accumulate)
        r += 8
      }
      while r < m {
        block1(k: k, a: a + r * lda, panel: panel, c: c + r * ldc + p * w, accumulate: accumulate)
        r += 1
      }
    }
  }

  @inline(__always)
  private static func load(_ p: UnsafePointer<Float>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }

  @inline(__always)
  private static func store(_ v: V, _ p: UnsafeMutablePointer<Float>, accumulate: Bool) {
    UnsafeMutableRawPointer(p).storeBytes(of: accumulate ? v + load(p) : v, as: V.self)
  }

  /// Eight rows of A against one panel: 16 of the 32 registers accumulate, so each panel row
  /// loaded feeds 16 FMAs.
  @inline(__always)
  private static func block8(
    k: Int, a: UnsafePointer<Float>, lda: Int, panel: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, ldc: Int,
    accumulate: Bool
  ) {
    var c00 = V()
    var c01 = V()
    var c10 = V()
    var c11 = V()
    var c20 = V()
    var c21 = V()
    var c30 = V()
    var c31 = V()
    var c40 = V()
    var c41 = V()
    var c50 = V()
    var c51 = V()
    var c60 = V()
    var c61 = V()
    var c70 = V()
    var c71 = V()
    var b = panel
    for kk in 0..<k {
      let b0 = load(b)
      let b1 = load(b + 16)
      var x = V(repeating: a[kk])
      c00.addProduct(x, b0)
      c01.addProduct(x, b1)
      x = V(repeating: a[lda + kk])
      c10.addProduct(x, b0)
      c11.addProduct(x, b1)
      x = V(repeating: a[2 * lda + kk])
      c20.addProduct(x, b0)
      c21.addProduct(x, b1)
      x = V(repeating: a[3 * lda + kk])
      c30.addProduct(x, b0)
      c31.addProduct(x, b1)
      x = V(repeating: a[4 * lda + kk])
      c40.addProduct(x, b0)
      c41.addProduct(x, b1)
      x = V(repeating: a[5 * lda + kk])
      c50.addProduct(x, b0)
      c51.addProduct(x, b1)
      x = V(repeating: a[6 * lda + kk])
      c60.addProduct(x, b0)
      c61.addProduct(x, b1)
      x = V(repeating: a[7 * lda + kk])
      c70.addProduct(x, b0)
      c71.addProduct(x, b1)
      b += 32
    }
    for (r, pair) in [(c00, c01), (c10, c11), (c20, c21), (c30, c31), (c40, c41), (c50, c51), (c60, c61), (c70, c71)]
      .enumerated()
    {
      store(pair.0, c + r * ldc, accumulate: accumulate)
      store(pair.1, c + r * ldc + 16, accumulate: accumulate)
    }
  }

  /// One row of A against one panel, for the rows left over after blocks of eight (a batch of
  /// 32 or 64 splits into 16 or 32 rows per thread, so there are none).
  @inline(__always)
  private static func block1(
    k: Int, a: UnsafePointer<Float>, panel: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, accumulate: Bool
  ) {
    var c0 = V()
    var c1 = V()
    var b = panel
    for kk in 0..<k {
      let x = V(repeating: a[kk])
      c0.addProduct(x, load(b))
      c1.addProduct(x, load(b + 16))
      b += 32
    }
    store(c0, c, accumulate: accumulate)
    store(c1, c + 16, accumulate: accumulate)
  }
}
