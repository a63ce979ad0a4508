{
  "targets": [
    {
      "target_name": "kanet",
      "sources": ["src/kanet.cc", "src/tcp-prober.cc", "src/spawn-as.cc", "src/proc-connector.cc", "src/namespaces.cc", "src/linkbeat.cc", "src/process-attrs.cc", "src/inotify.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_CPP_EXCEPTIONS"],
      "cflags_cc": ["-std=c++17", "-Wall", "-Wextra"]
    }
  ]
}
