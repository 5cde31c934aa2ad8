{
  "targets": [
    {
      "target_name": "rx_stamp",
      "sources": ["rx-stamp.c"],
      "cflags": ["-Wall", "-Wextra", "-O2"]
    }
  ]
}
