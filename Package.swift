// swift-tools-version: 6.1
import PackageDescription

let package = Package(
  name: "SeqGen",
  platforms: [.macOS(.v14)],
  products: [
    .executable(name: "seqgen", targets: ["seqgen"]),
    .library(name: "SeqGenEngine", targets: ["SeqGenEngine"]),
    .library(name: "TextDomain", targets: ["TextDomain"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
  ],
  targets: [
    // OpenBLAS through its CBLAS interface: every matrix product in the engine.
    .systemLibrary(
      name: "CBLAS",
      pkgConfig: "openblas",
      providers: [.apt(["libopenblas-dev"])]
    ),
    .target(name: "SeqGenEngine", dependencies: ["CBLAS"]),
    .target(name: "TextDomain", dependencies: ["SeqGenEngine"], path: "domains/Text/Sources"),
    .executableTarget(
      name: "seqgen",
      dependencies: [
        "SeqGenEngine", "TextDomain",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .testTarget(
      name: "SeqGenEngineTests",
      dependencies: ["SeqGenEngine"]
    ),
    // The conformance checks every domain's tests run.
    .target(name: "SeqGenTestSupport", dependencies: ["SeqGenEngine"], path: "Tests/SeqGenTestSupport"),
    .testTarget(name: "TextDomainTests", dependencies: ["TextDomain", "SeqGenTestSupport"], path: "domains/Text/Tests"),
    .testTarget(name: "SeqGenCLITests", dependencies: ["seqgen"]),
  ]
)
