// chart-render renders a Helm chart the way `helm template` does, without helm: Go's text/template with the sprig
// functions plus the few helm adds (include, tpl, required, toYaml, fromYaml, toJson, fromJson, lookup), values from
// values.yaml merged with -f files and checked against values.schema.json, and the Release, Chart, Capabilities and
// Template objects. It prints the manifests as a multi-document YAML stream (or NOTES.txt with -notes).
//
// Build (GOPATH mode, Debian packages only; see build.sh):
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o chart-render .
//
// Usage:
//
//	chart-render -chart deploy/helm [-f override.yaml ...] [-name R] [-namespace NS] [-lookup objects.yaml] [-upgrade] [-notes] [-strict]
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig"
	"github.com/xeipuuv/gojsonschema"
	"sigs.k8s.io/yaml"
)

type files []string

func (f *files) String() string     { return strings.Join(*f, ",") }
func (f *files) Set(v string) error { *f = append(*f, v); return nil }

func main() {
	var valueFiles files
	chartDir := flag.String("chart", ".", "chart directory")
	flag.Var(&valueFiles, "f", "values file merged over values.yaml (repeatable; later wins)")
	releaseName := flag.String("name", "release", "release name")
	namespace := flag.String("namespace", "default", "release namespace")
	lookupFile := flag.String("lookup", "", "YAML stream of objects that lookup finds (the cluster, as on an upgrade)")
	upgrade := flag.Bool("upgrade", false, "render as an upgrade (.Release.IsUpgrade)")
	notes := flag.Bool("notes", false, "print the rendered NOTES.txt instead of the manifests")
	strict := flag.Bool("strict", false, "a missing map key is an error, as in helm lint --strict")
	flag.Parse()

	out, err := render(*chartDir, valueFiles, *releaseName, *namespace, *lookupFile, *upgrade, *notes, *strict)
	if err != nil {
		fmt.Fprintln(os.Stderr, "Error:", err)
		os.Exit(1)
	}
	fmt.Print(out)
}

func render(chartDir string, valueFiles []string, releaseName, namespace, lookupFile string, upgrade, notes, strict bool) (string, error) {
	chart, err := readYAMLMap(filepath.Join(chartDir, "Chart.yaml"))
	if err != nil {
		return "", err
	}
	chartName, _ := chart["name"].(string)
	values, err := readYAMLMap(filepath.Join(chartDir, "values.yaml"))
	if err != nil {
		return "", err
	}
	for _, file := range valueFiles {
		override, err := readYAMLMap(file)
		if err != nil {
			return "", err
		}
		values = coalesce(override, values)
	}
	if err := validateSchema(chartDir, values); err != nil {
		return "", err
	}
	cluster, err := readObjects(lookupFile)
	if err != nil {
		return "", err
	}

	top := map[string]interface{}{
		"Values": values,
		"Chart":  chartObject(chart),
		"Release": map[string]interface{}{
			"Name": releaseName, "Namespace": namespace, "Service": "Helm", "Revision": 1,
			"IsInstall": !upgrade, "IsUpgrade": upgrade,
		},
		"Capabilities": map[string]interface{}{
			"KubeVersion": map[string]interface{}{"Version": "v1.33.0", "Major": "1", "Minor": "33", "GitVersion": "v1.33.0"},
			"APIVersions": apiVersions{},
			"HelmVersion": map[string]interface{}{"Version": "v3.18.0"},
		},
		"Files": map[string]interface{}{},
	}

	templates, err := loadTemplates(chartDir, chartName)
	if err != nil {
		return "", err
	}
	root := template.New(chartName)
	if strict {
		root.Option("missingkey=error")
	} else {
		root.Option("missingkey=zero")
	}
	root.Funcs(funcMap(root, cluster))
	names := make([]string, 0, len(templates))
	for name, text := range templates {
		if _, err := root.New(name).Parse(text); err != nil {
			return "", err
		}
		names = append(names, name)
	}
	sort.Strings(names)

	var out strings.Builder
	for _, name := range names {
		base := path.Base(name)
		isNotes := base == "NOTES.txt"
		if strings.HasPrefix(base, "_") || isNotes != notes {
			continue
		}
		data := copyMap(top)
		data["Template"] = map[string]interface{}{"Name": name, "BasePath": chartName + "/templates"}
		var buf bytes.Buffer
		if err := root.ExecuteTemplate(&buf, name, data); err != nil {
			return "", err
		}
		text := strings.ReplaceAll(buf.String(), "<no value>", "")
		if notes {
			out.WriteString(text)
			continue
		}
		for _, doc := range splitDocuments(text) {
			fmt.Fprintf(&out, "---\n# Source: %s\n%s\n", name, doc)
		}
	}
	return out.String(), nil
}

// funcMap is helm's: sprig without env/expandenv, plus helm's own functions.
func funcMap(root *template.Template, cluster []map[string]interface{}) template.FuncMap {
	f := sprig.TxtFuncMap()
	delete(f, "env")
	delete(f, "expandenv")
	includeDepth := map[string]int{}
	f["include"] = func(name string, data interface{}) (string, error) {
		if includeDepth[name] > 1000 {
			return "", fmt.Errorf("rendering template has a nested reference name: %s", name)
		}
		includeDepth[name]++
		defer func() { includeDepth[name]-- }()
		var buf bytes.Buffer
		err := root.ExecuteTemplate(&buf, name, data)
		return strings.ReplaceAll(buf.String(), "<no value>", ""), err
	}
	f["tpl"] = func(text string, data interface{}) (string, error) {
		clone, err := root.Clone()
		if err != nil {
			return "", err
		}
		t, err := clone.New("tpl").Parse(text)
		if err != nil {
			return "", err
		}
		var buf bytes.Buffer
		err = t.Execute(&buf, data)
		return strings.ReplaceAll(buf.String(), "<no value>", ""), err
	}
	f["required"] = func(message string, value interface{}) (interface{}, error) {
		if value == nil {
			return nil, errors.New(message)
		}
		if s, ok := value.(string); ok && s == "" {
			return nil, errors.New(message)
		}
		return value, nil
	}
	f["toYaml"] = func(v interface{}) string {
		data, err := yaml.Marshal(v)
		if err != nil {
			return ""
		}
		return strings.TrimSuffix(string(data), "\n")
	}
	f["fromYaml"] = func(s string) map[string]interface{} {
		m := map[string]interface{}{}
		if err := yaml.Unmarshal([]byte(s), &m); err != nil {
			m["Error"] = err.Error()
		}
		return m
	}
	f["fromYamlArray"] = func(s string) []interface{} {
		a := []interface{}{}
		if err := yaml.Unmarshal([]byte(s), &a); err != nil {
			a = []interface{}{err.Error()}
		}
		return a
	}
	f["toJson"] = func(v interface{}) string {
		data, err := json.Marshal(v)
		if err != nil {
			return ""
		}
		return string(data)
	}
	f["fromJson"] = func(s string) map[string]interface{} {
		m := map[string]interface{}{}
		if err := json.Unmarshal([]byte(s), &m); err != nil {
			m["Error"] = err.Error()
		}
		return m
	}
	f["fromJsonArray"] = func(s string) []interface{} {
		a := []interface{}{}
		if err := json.Unmarshal([]byte(s), &a); err != nil {
			a = []interface{}{err.Error()}
		}
		return a
	}
	// lookup answers from -lookup objects: one object by name, or a list when name is empty; {} when none.
	f["lookup"] = func(apiVersion, kind, namespace, name string) (map[string]interface{}, error) {
		var items []interface{}
		for _, o := range cluster {
			meta, _ := o["metadata"].(map[string]interface{})
			if o["apiVersion"] != apiVersion || o["kind"] != kind || (namespace != "" && meta["namespace"] != namespace) {
				continue
			}
			if name == "" {
				items = append(items, o)
			} else if meta["name"] == name {
				return o, nil
			}
		}
		if name == "" && items != nil {
			return map[string]interface{}{"apiVersion": "v1", "kind": kind + "List", "items": items}, nil
		}
		return map[string]interface{}{}, nil
	}
	return f
}

// apiVersions is .Capabilities.APIVersions: the built-in groups plus cert-manager's.
type apiVersions struct{}

func (apiVersions) Has(version string) bool {
	switch strings.SplitN(version, "/", 2)[0] {
	case "v1", "apps", "policy", "networking.k8s.io", "rbac.authorization.k8s.io", "apiregistration.k8s.io", "cert-manager.io":
		return true
	}
	return false
}

// coalesce merges src over dst as helm does for values: maps merge recursively, other values replace, null deletes.
func coalesce(src, dst map[string]interface{}) map[string]interface{} {
	for key, value := range src {
		if value == nil {
			delete(dst, key)
			continue
		}
		srcMap, srcIsMap := value.(map[string]interface{})
		dstMap, dstIsMap := dst[key].(map[string]interface{})
		if srcIsMap && dstIsMap {
			dst[key] = coalesce(srcMap, dstMap)
		} else {
			dst[key] = value
		}
	}
	return dst
}

func validateSchema(chartDir string, values map[string]interface{}) error {
	schema, err := os.ReadFile(filepath.Join(chartDir, "values.schema.json"))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	} else if err != nil {
		return err
	}
	document, err := json.Marshal(values)
	if err != nil {
		return err
	}
	result, err := gojsonschema.Validate(gojsonschema.NewBytesLoader(schema), gojsonschema.NewBytesLoader(document))
	if err != nil {
		return fmt.Errorf("values.schema.json: %w", err)
	}
	if result.Valid() {
		return nil
	}
	var problems []string
	for _, e := range result.Errors() {
		problems = append(problems, "- "+e.String())
	}
	return fmt.Errorf("values don't meet the specifications of the schema(s) in the following chart(s):\n%s", strings.Join(problems, "\n"))
}

func loadTemplates(chartDir, chartName string) (map[string]string, error) {
	templates := map[string]string{}
	dir := filepath.Join(chartDir, "templates")
	err := filepath.Walk(dir, func(file string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		text, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(chartDir, file)
		templates[chartName+"/"+filepath.ToSlash(rel)] = string(text)
		return nil
	})
	return templates, err
}

// chartObject is .Chart: Chart.yaml's fields under helm's Go names (name -> Name, appVersion -> AppVersion).
func chartObject(chart map[string]interface{}) map[string]interface{} {
	object := map[string]interface{}{}
	for key, value := range chart {
		object[strings.ToUpper(key[:1])+key[1:]] = value
	}
	if _, ok := object["ApiVersion"]; ok {
		object["APIVersion"] = object["ApiVersion"]
		delete(object, "ApiVersion")
	}
	return object
}

func readYAMLMap(file string) (map[string]interface{}, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	m := map[string]interface{}{}
	if err := yaml.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return m, nil
}

func readObjects(file string) ([]map[string]interface{}, error) {
	if file == "" {
		return nil, nil
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var objects []map[string]interface{}
	for _, doc := range splitDocuments(string(data)) {
		o := map[string]interface{}{}
		if err := yaml.Unmarshal([]byte(doc), &o); err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		objects = append(objects, o)
	}
	return objects, nil
}

// splitDocuments splits a YAML stream on "---" lines and drops documents holding only comments and blank lines.
func splitDocuments(text string) []string {
	var docs []string
	for _, doc := range strings.Split("\n"+text, "\n---") {
		doc = strings.TrimPrefix(doc, "\n")
		if i := strings.IndexByte(doc, '\n'); i >= 0 && strings.TrimSpace(doc[:i]) == "" {
			doc = doc[i+1:]
		}
		empty := true
		for _, line := range strings.Split(doc, "\n") {
			if trimmed := strings.TrimSpace(line); trimmed != "" && !strings.HasPrefix(trimmed, "#") {
				empty = false
				break
			}
		}
		if !empty {
			docs = append(docs, strings.TrimRight(doc, " \n"))
		}
	}
	return docs
}

func copyMap(m map[string]interface{}) map[string]interface{} {
	c := make(map[string]interface{}, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}
