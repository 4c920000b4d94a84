# The operator image: a Native AOT executable (the SDK's -aot image carries clang and the linker it needs) on
# the chiseled runtime-deps base (no shell, no package manager, no .NET runtime) as a non-root user.
# Build from the repository root: docker build -t kaito-operator .
FROM mcr.microsoft.com/dotnet/sdk:10.0-noble-aot AS build
WORKDIR /src
# Restore first, from the project files only, so the layer is reused while only sources change.
COPY global.json Directory.Build.props Directory.Packages.props NativeAot.props NativeAot.roots.xml ./
COPY src/Api.V1Beta1/*.csproj src/Api.V1Beta1/
COPY src/Presets/*.csproj src/Presets/
COPY src/Webhooks/*.csproj src/Webhooks/
COPY src/Reconcilers/*.csproj src/Reconcilers/
COPY src/Operator/*.csproj src/Operator/
RUN dotnet restore src/Operator/Kaito.Operator.csproj -r linux-x64 -p:KaitoAot=true
COPY src/ src/
RUN dotnet publish src/Operator/Kaito.Operator.csproj -c Release -r linux-x64 -p:KaitoAot=true --no-restore -o /out \
    && rm -f /out/*.dbg /out/*.pdb

FROM mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled
WORKDIR /app
COPY --from=build /out/ ./
USER 65532:65532
EXPOSE 9443 8081
ENTRYPOINT ["/app/kaito-operator"]
