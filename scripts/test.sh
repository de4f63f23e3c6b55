#!/usr/bin/env bash
# Installs what is missing, checks the formatting (.swift-format), then runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/install-deps.sh
swift format lint --strict --recursive --parallel Sources domains Tests Fuzz Package.swift
swift build --build-tests
swift test --skip-build "$@"
