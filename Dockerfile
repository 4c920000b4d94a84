# The operator image: a Native AOT executable on the chiseled runtime-deps base (no shell, no package manager,
# no .NET runtime) as a non-root user.
#   docker build -t kaito-operator .                      compiles in the SDK's -aot image (it carries clang and
#                                                         the linker Native AOT needs) and ships the result
#   docker build --target prebuilt --build-arg PREBUILT=DIR -f Dockerfile DIR
#                                                         ships DIR/kaito-operator, published on the host with
#                                                         dotnet publish src/Operator -r linux-x64 -p:KaitoAot=true
#                                                         (make up does this: no SDK image is reachable there)
# Both bases are build arguments, for mirrors and for the local stand-ins hack/local-cluster/image.sh makes.
ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0-noble-aot
ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled

FROM ${RUNTIME_IMAGE} AS runtime
WORKDIR /app
USER 65532:65532
EXPOSE 9443 8081
ENTRYPOINT ["/app/kaito-operator"]

# Stops here with --target prebuilt: the stages below (the SDK build) are never reached.
FROM runtime AS prebuilt
ARG PREBUILT=.local/operator-aot
COPY ${PREBUILT}/kaito-operator ./

FROM ${SDK_IMAGE} AS build
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

FROM runtime
COPY --from=build /out/kaito-operator ./
