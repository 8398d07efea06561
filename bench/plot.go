package main

import (
	"fmt"
	"io"
	"math"
	"text/template"
)

// plot is the throughput chart: MB/s against the number of processes, one
// series per throughput mode, processes on a log scale.
type plot struct {
	Width, Height                   int
	Left, Right, Top, Bottom        float64 // the plotting area
	XTicks, YTicks                  []tick
	Series                          []series
	Title, XLabel, YLabel           string
	LegendX, LegendY, XMid, YLabelY float64
}

type tick struct {
	Pos   float64
	Label string
}

type series struct {
	Name, Colour, Dash string
	Points             []point
	Path               string // "x,y x,y ..." for a polyline
	LegendY            float64
	Anchor             string // where each point's label goes: start (right of it) or end (left)
	LabelDX, LabelDY   float64
}

type point struct {
	X, Y           float64
	Label          string
	LabelX, LabelY float64
}

var plotTemplate = template.Must(template.New("svg").Funcs(template.FuncMap{
	"add": func(a, b float64) float64 { return a + b },
	"sub": func(a, b float64) float64 { return a - b },
}).Parse(`<svg xmlns="http://www.w3.org/2000/svg" width="{{.Width}}" height="{{.Height}}" viewBox="0 0 {{.Width}} {{.Height}}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
<text x="{{.XMid}}" y="20" text-anchor="middle" font-size="15">{{.Title}}</text>
{{- range .YTicks}}
<line x1="{{$.Left}}" y1="{{.Pos}}" x2="{{$.Right}}" y2="{{.Pos}}" stroke="#ddd"/>
<text x="{{printf "%.1f" (sub $.Left 6.0)}}" y="{{.Pos}}" text-anchor="end" dominant-baseline="middle">{{.Label}}</text>
{{- end}}
{{- range .XTicks}}
<line x1="{{.Pos}}" y1="{{$.Top}}" x2="{{.Pos}}" y2="{{$.Bottom}}" stroke="#eee"/>
<text x="{{.Pos}}" y="{{printf "%.1f" (add $.Bottom 18.0)}}" text-anchor="middle">{{.Label}}</text>
{{- end}}
<line x1="{{.Left}}" y1="{{.Bottom}}" x2="{{.Right}}" y2="{{.Bottom}}" stroke="black"/>
<line x1="{{.Left}}" y1="{{.Top}}" x2="{{.Left}}" y2="{{.Bottom}}" stroke="black"/>
<text x="{{.XMid}}" y="{{printf "%.1f" (add .Bottom 38.0)}}" text-anchor="middle">{{.XLabel}}</text>
<text transform="translate(16 {{.YLabelY}}) rotate(-90)" text-anchor="middle">{{.YLabel}}</text>
{{- range .Series}}
{{- $s := .}}
<polyline points="{{.Path}}" fill="none" stroke="{{.Colour}}" stroke-width="2"{{if .Dash}} stroke-dasharray="{{.Dash}}"{{end}}/>
{{- range .Points}}
<circle cx="{{.X}}" cy="{{.Y}}" r="3.5" fill="{{$s.Colour}}"/>
<text x="{{.LabelX}}" y="{{.LabelY}}" text-anchor="{{$s.Anchor}}" fill="{{$s.Colour}}" font-size="10">{{.Label}}</text>
{{- end}}
<line x1="{{$.LegendX}}" y1="{{.LegendY}}" x2="{{printf "%.1f" (add $.LegendX 24.0)}}" y2="{{.LegendY}}" stroke="{{.Colour}}" stroke-width="2"{{if .Dash}} stroke-dasharray="{{.Dash}}"{{end}}/>
<text x="{{printf "%.1f" (add $.LegendX 30.0)}}" y="{{.LegendY}}" dominant-baseline="middle">{{.Name}}</text>
{{- end}}
</svg>
`))

// writeSVG draws the throughput of each mode against P.
func writeSVG(w io.Writer, results []*throughputResult, title string) error {
	p := plot{
		Width: 640, Height: 400,
		Left: 70, Right: 460, Top: 40, Bottom: 340,
		Title:  title,
		XLabel: "processes (P), log scale",
		YLabel: "MB/s until the last line arrived",
	}
	p.XMid = (p.Left + p.Right) / 2
	p.YLabelY = (p.Top + p.Bottom) / 2
	p.LegendX = p.Right + 20

	// The x axis: log2(P), with a margin either side.
	lo, hi := math.Inf(1), math.Inf(-1)
	top := 0.0
	for _, r := range results {
		lo, hi = math.Min(lo, math.Log2(float64(r.P))), math.Max(hi, math.Log2(float64(r.P)))
		for m := range numModes {
			top = math.Max(top, r.mbps(m))
		}
	}
	if len(results) == 0 {
		lo, hi = 0, 1
	}
	if hi == lo {
		lo, hi = lo-1, hi+1
	}
	span := hi - lo
	lo, hi = lo-span*0.08, hi+span*0.08
	x := func(procs int) float64 {
		return round1(p.Left + (math.Log2(float64(procs))-lo)/(hi-lo)*(p.Right-p.Left))
	}
	step := niceStep(top / 5)
	yMax := math.Max(step, math.Ceil(top*1.05/step)*step)
	y := func(v float64) float64 { return round1(p.Bottom - v/yMax*(p.Bottom-p.Top)) }

	for _, r := range results {
		p.XTicks = append(p.XTicks, tick{Pos: x(r.P), Label: fmt.Sprint(r.P)})
	}
	for v := 0.0; v <= yMax+step/2; v += step {
		p.YTicks = append(p.YTicks, tick{Pos: y(v), Label: fmt.Sprintf("%g", v)})
	}

	// Each series labels its points on a different side, so that close
	// values stay legible.
	styles := [numModes]series{
		limit:    {Name: "limit: one pipe", Colour: "#777777", Dash: "6 4", Anchor: "start", LabelDX: 6, LabelDY: -6},
		prefixed: {Name: "hancho", Colour: "#1f77b4", Anchor: "start", LabelDX: 6, LabelDY: 14},
		bare:     {Name: "hancho --no-prefix", Colour: "#2ca02c", Anchor: "end", LabelDX: -6, LabelDY: -6},
	}
	for m := range numModes {
		s := styles[m]
		s.LegendY = p.Top + 10 + float64(m)*22
		for _, r := range results {
			v := r.mbps(m)
			if v == 0 {
				continue // the run failed: no point
			}
			pt := point{X: x(r.P), Y: y(v), Label: fmt.Sprintf("%.0f", v)}
			pt.LabelX, pt.LabelY = pt.X+s.LabelDX, pt.Y+s.LabelDY
			s.Points = append(s.Points, pt)
			s.Path += fmt.Sprintf("%g,%g ", pt.X, pt.Y)
		}
		p.Series = append(p.Series, s)
	}
	return plotTemplate.Execute(w, p)
}

// niceStep rounds a raw grid step up to 1, 2 or 5 times a power of ten.
func niceStep(raw float64) float64 {
	if raw <= 0 {
		return 1
	}
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if raw <= m*mag {
			return m * mag
		}
	}
	return 10 * mag
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }
