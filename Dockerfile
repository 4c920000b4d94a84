# The operator image: build with the .NET SDK, run on the chiseled ASP.NET runtime (no shell, no package
# manager) as a non-root user. Build from the repository root: docker build -t kaito-operator .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project files only, so the layer is reused while only sources change.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/Api.V1Beta1/*.csproj src/Api.V1Beta1/
COPY src/Presets/*.csproj src/Presets/
COPY src/Webhooks/*.csproj src/Webhooks/
COPY src/Reconcilers/*.csproj src/Reconcilers/
COPY src/Operator/*.csproj src/Operator/
RUN dotnet restore src/Operator/Kaito.Operator.csproj
COPY src/ src/
RUN dotnet publish src/Operator/Kaito.Operator.csproj -c Release --no-restore -o /out

FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled
WORKDIR /app
COPY --from=build /out/ ./
USER 65532:65532
EXPOSE 9443 8081
ENTRYPOINT ["/app/kaito-operator"]
