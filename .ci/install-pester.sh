#!/usr/bin/env bash
# Puts pwsh 7.6.9 (the PowerShell .NET tool) and Pester 5.9.1 (its NuGet package) under .tools/, both from NuGet,
# so that the xUnit run also runs the Pester acceptance files. Prints the PATH and PSModulePath entries to use.
# Fails (exit 1) when either cannot be installed; the caller decides what that means.
set -euo pipefail
cd "$(dirname "$0")/.."
tools="$PWD/.tools"
mkdir -p "$tools"
if [ ! -x "$tools/pwsh/pwsh" ]; then
  dotnet tool install PowerShell --version 7.6.9 --tool-path "$tools/pwsh" >/dev/null
fi
if [ ! -f "$tools/Modules/Pester/Pester.psd1" ]; then
  work=$(mktemp -d)
  cat > "$work/pester.csproj" <<'PROJ'
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>
  <ItemGroup><PackageDownload Include="Pester" Version="[5.9.1]" /></ItemGroup>
</Project>
PROJ
  dotnet restore "$work/pester.csproj" --packages "$work/packages" -v quiet >/dev/null
  mkdir -p "$tools/Modules"
  rm -rf "$tools/Modules/Pester"
  cp -r "$work/packages/pester/5.9.1/tools" "$tools/Modules/Pester"
  rm -rf "$work"
fi
echo "$tools/pwsh"
echo "$tools/Modules"
