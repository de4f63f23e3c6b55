import CMPI
import Foundation
import SeqGenEngine

/// The processes of a job started by `mpirun`, as the engine's `Collective`: the few MPI calls
/// data-parallel training needs (init/finalize, rank/size, allreduce, broadcast, allgather,
/// abort), each checked, over `MPI_COMM_WORLD`.
///
/// MPI is initialised only when the process was started by an MPI launcher, so a plain
/// `seqgen train` never touches it. Errors come back as `MPIError` (the communicator is set to
/// return them instead of aborting), so the caller can name the rank and host that failed.
public final class MPIProcesses: Collective {
  public let rank: Int
  public let size: Int
  public let host: String
  /// How many processes of the job run on this machine.
  public let localSize: Int
  private let world = seqgen_mpi_comm_world()
  /// The longest piece one call moves: MPI counts are 32-bit.
  private let maxCount = 1 << 28

  /// Whether an MPI launcher (Open MPI's `mpirun`, or a PMI/PMIx one such as Slurm's `srun`)
  /// started this process.
  public static var isLaunched: Bool {
    let environment = ProcessInfo.processInfo.environment
    return ["OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_SIZE"].contains { environment[$0] != nil }
  }

  /// Initialises MPI (one thread calls it; the engine's second thread never does).
  public init() throws(MPIError) {
    var provided: Int32 = 0
    try Self.check(MPI_Init_thread(nil, nil, seqgen_mpi_thread_funneled(), &provided), "MPI_Init_thread")
    try Self.check(MPI_Comm_set_errhandler(world, seqgen_mpi_errors_return()), "MPI_Comm_set_errhandler")
    var r: Int32 = 0
    var n: Int32 = 0
    try Self.check(MPI_Comm_rank(world, &r), "MPI_Comm_rank")
    try Self.check(MPI_Comm_size(world, &n), "MPI_Comm_size")
    rank = Int(r)
    size = Int(n)
    var name = [CChar](repeating: 0, count: Int(seqgen_mpi_max_processor_name()) + 1)
    var length: Int32 = 0
    try Self.check(MPI_Get_processor_name(&name, &length), "MPI_Get_processor_name")
    host = String(decoding: name.prefix(Int(max(0, length))).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    localSize =
      ProcessInfo.processInfo.environment["OMPI_COMM_WORLD_LOCAL_SIZE"].flatMap { Int($0) } ?? 1
  }

  public func sum(_ values: UnsafeMutablePointer<Float>, count: Int) throws {
    var start = 0
    while start < count {
      let n = min(maxCount, count - start)
      try Self.check(
        MPI_Allreduce(seqgen_mpi_in_place(), values + start, Int32(n), seqgen_mpi_float(), seqgen_mpi_sum(), world),
        "MPI_Allreduce")
      start += n
    }
  }

  public func sum(_ values: inout [Double]) throws {
    let n = values.count
    guard n > 0 else { return }
    try values.withUnsafeMutableBufferPointer { buffer in
      try Self.check(
        MPI_Allreduce(
          seqgen_mpi_in_place(), buffer.baseAddress, Int32(n), seqgen_mpi_double(), seqgen_mpi_sum(), world),
        "MPI_Allreduce")
    }
  }

  public func broadcast(_ values: UnsafeMutablePointer<Float>, count: Int) throws {
    var start = 0
    while start < count {
      let n = min(maxCount, count - start)
      try Self.check(MPI_Bcast(values + start, Int32(n), seqgen_mpi_float(), 0, world), "MPI_Bcast")
      start += n
    }
  }

  public func broadcast(_ bytes: inout [UInt8]) throws {
    var length = Int64(bytes.count)
    try Self.check(MPI_Bcast(&length, 1, seqgen_mpi_long_long(), 0, world), "MPI_Bcast")
    guard length >= 0 && length <= Int64(Int32.max) * 8 else { throw MPIError.call("MPI_Bcast", code: -1) }
    if rank != 0 { bytes = [UInt8](repeating: 0, count: Int(length)) }
    try bytes.withUnsafeMutableBytes { buffer in
      var start = 0
      while start < buffer.count {
        let n = min(maxCount, buffer.count - start)
        try Self.check(MPI_Bcast(buffer.baseAddress! + start, Int32(n), seqgen_mpi_byte(), 0, world), "MPI_Bcast")
        start += n
      }
    }
  }

  public func firstFailure(_ ok: Bool) throws -> Int? {
    var first = Int32(ok ? size : rank)
    try Self.check(
      MPI_Allreduce(seqgen_mpi_in_place(), &first, 1, seqgen_mpi_int32(), seqgen_mpi_min(), world), "MPI_Allreduce")
    return first < size ? Int(first) : nil
  }

  /// Small values only (fingerprints, host names): one allgather of lengths, one of bytes.
  public func gather(_ bytes: [UInt8]) throws -> [[UInt8]] {
    var mine = Int32(min(bytes.count, 1 << 20))
    var lengths = [Int32](repeating: 0, count: size)
    try Self.check(MPI_Allgather(&mine, 1, seqgen_mpi_int32(), &lengths, 1, seqgen_mpi_int32(), world), "MPI_Allgather")
    var offsets = [Int32](repeating: 0, count: size)
    for i in 1..<max(size, 1) { offsets[i] = offsets[i - 1] + lengths[i - 1] }
    let total = Int(offsets[size - 1] + lengths[size - 1])
    var all = [UInt8](repeating: 0, count: max(total, 1))
    var send = Array(bytes.prefix(Int(mine)))
    try Self.check(
      MPI_Allgatherv(&send, mine, seqgen_mpi_byte(), &all, &lengths, &offsets, seqgen_mpi_byte(), world),
      "MPI_Allgatherv")
    return (0..<size).map { Array(all[Int(offsets[$0])..<Int(offsets[$0] + lengths[$0])]) }
  }

  /// Ends every process of the job at once: for a failure the others cannot learn of otherwise
  /// (they would wait forever in the next collective).
  public func abort(code: Int32) -> Never {
    MPI_Abort(world, code)
    exit(code)
  }

  public func finalize() {
    MPI_Finalize()
  }

  private static func check(_ code: Int32, _ call: String) throws(MPIError) {
    guard code == seqgen_mpi_success() else { throw .call(call, code: Int(code)) }
  }
}

/// A failed MPI call.
public enum MPIError: Error, CustomStringConvertible {
  case call(String, code: Int)

  public var description: String {
    switch self {
    case .call(let name, let code): "\(name) failed (MPI error \(code)); another process of the job may have died"
    }
  }
}
