#!/usr/bin/env node
// Stable bin path that exists before the build, so package managers can link it at install time.
import "../dist/cli.js";
