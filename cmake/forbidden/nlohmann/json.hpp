// Put first on the include path of the engine and the layers below it (CMakeLists.txt): the hot
// path formats and reads no JSON; that belongs to the result, machine and scenario layers.
#error "nlohmann-json in a layer below the result layer (see docs/architecture.md, the layers)"
