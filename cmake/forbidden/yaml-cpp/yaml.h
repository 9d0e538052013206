// Put first on the include path of the engine and the layers below it (CMakeLists.txt): YAML
// scenario files are read by the scenario layer's loaders only.
#error "yaml-cpp in a layer below the scenario loaders (see docs/architecture.md, the layers)"
