#!/usr/bin/env bash
# Installs the ImageNet ResNet18 (He et al. 2016) that Microsoft ships in the NuGet package
# Microsoft.ML.DnnImageFeaturizer.ResNet18 0.24.0 (MIT): its ResNet18.onnx and ResNetPreprocess.onnx, with the package's
# LICENSE and THIRD-PARTY-NOTICES.TXT, into .causeway/models/resnet18/ of this clone. NuGet fetches the package into a
# throwaway project outside the repository (the package's own dependencies are not needed: ONNX Runtime runs the files).
# Idempotent: does nothing when the files are there. Used by `causeway bench pretrained`.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/.causeway/models/resnet18"
if [ -f "$out/ResNet18.onnx" ] && [ -f "$out/ResNetPreprocess.onnx" ]; then
  echo "ResNet18 already installed in $out"
  exit 0
fi

version=0.24.0
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
cat > "$scratch/fetch.csproj" <<PROJECT
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="Microsoft.ML.DnnImageFeaturizer.ResNet18" Version="$version" ExcludeAssets="all" />
  </ItemGroup>
</Project>
PROJECT
echo "fetching Microsoft.ML.DnnImageFeaturizer.ResNet18 $version from NuGet (about 120 MB)..."
dotnet restore "$scratch/fetch.csproj" --nologo -v quiet >"$scratch/restore.log" 2>&1 || { cat "$scratch/restore.log" >&2; exit 1; }
packages="$(dotnet nuget locals global-packages --list | sed 's/^global-packages: //')"
package="$packages/microsoft.ml.dnnimagefeaturizer.resnet18/$version"
mkdir -p "$out"
cp "$package/tools/DnnImageModels/ResNet18Onnx/ResNet18.onnx" "$package/tools/DnnImageModels/ResNetPrepOnnx/ResNetPreprocess.onnx" \
   "$package/LICENSE" "$package/THIRD-PARTY-NOTICES.TXT" "$out/"
echo "ResNet18 installed in $out"
