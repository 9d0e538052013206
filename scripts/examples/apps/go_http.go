// Go net/http standing in for Go fiber (the first seed): go run go_http.go PORT
package main

import (
	"encoding/json"
	"net/http"
	"os"
	"strings"
)

func main() {
	big, _ := json.Marshal(map[string]string{"result": strings.Repeat("Hello world!", 10000)})
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte("Hello, world!"))
	})
	http.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(big)
	})
	if err := http.ListenAndServe("127.0.0.1:"+os.Args[1], nil); err != nil {
		os.Stderr.WriteString(err.Error() + "\n")
		os.Exit(1)
	}
}
