/* Draws every plotly figure on the page. Load after plotly and its locale:
     <link id="plotly.js-style-global" class="no-inline-styles" rel="stylesheet" href=".../vendor/plotly/plotly.css">
     <script src=".../vendor/plotly/plotly-cartesian.min.js" defer></script>
     <script src=".../vendor/plotly/plotly-locale-zh-cn.js" defer></script>
     <script src=".../js/charts.js" defer></script>
   A chart is a container plus a JSON script naming it:
     <div id="progress-chart" class="chart"></div>
     <script type="application/json" data-chart-for="progress-chart">{"data": [...], "layout": {...}}</script>
   (the JSON is plotly's fig.to_json(); Django's json_script output works too,
   including a fig.to_json() string passed through it). No eval: the CSP is
   script-src 'self'. */
(function () {
  "use strict";

  var isChinese = /^zh/i.test(document.documentElement.lang || "");
  var MESSAGES = isChinese
    ? {
        noPlotly: "图表无法显示：绘图组件未能加载。请刷新页面重试。",
        badData: "图表无法显示：图表数据有误。",
      }
    : {
        noPlotly: "The chart cannot be shown: the plotting library did not load. Please reload the page.",
        badData: "The chart cannot be shown: its data could not be read.",
      };

  // A touch screen has no hover: plotly then shows its toolbar for good, over
  // the chart's title. There it is left out (a phone zooms with its fingers).
  var canHover = !(window.matchMedia && window.matchMedia("(hover: none)").matches);

  var CONFIG = {
    responsive: true,
    displaylogo: false,
    displayModeBar: canHover ? "hover" : false,
    locale: isChinese ? "zh-CN" : "en",
    modeBarButtonsToRemove: ["lasso2d", "select2d"],
    // plotly.js 4 adds a "Share chart..." button by default that uploads the
    // figure's data to Plotly Cloud (cloud.plotly.com). Never offer that here.
    showSendToCloud: false,
    plotlyServerURL: "",
  };

  function showMessage(container, text) {
    var box = document.createElement("div");
    box.className = "chart-error";
    box.setAttribute("role", "status");
    box.textContent = text;
    container.replaceChildren(box);
  }

  function readFigure(script) {
    var figure = JSON.parse(script.textContent);
    if (typeof figure === "string") {
      figure = JSON.parse(figure); // fig.to_json() passed through json_script
    }
    if (!figure || typeof figure !== "object" || !Array.isArray(figure.data || [])) {
      throw new Error("not a plotly figure");
    }
    return figure;
  }

  // {responsive: true} only follows window resizes; also follow the container
  // itself (a scrollbar appearing, a column reflowing, a tab becoming visible).
  function followContainerWidth(container) {
    if (typeof ResizeObserver === "undefined") {
      return;
    }
    var lastWidth = container.clientWidth;
    var pending = false;
    new ResizeObserver(function () {
      var width = container.clientWidth;
      if (pending || width === lastWidth || width === 0) {
        return;
      }
      lastWidth = width;
      pending = true;
      window.requestAnimationFrame(function () {
        pending = false;
        window.Plotly.Plots.resize(container);
      });
    }).observe(container);
  }

  function drawAll() {
    var scripts = document.querySelectorAll('script[type="application/json"][data-chart-for]');
    Array.prototype.forEach.call(scripts, function (script) {
      var id = script.getAttribute("data-chart-for");
      var container = document.getElementById(id);
      if (!container) {
        console.error("charts.js: no element #" + id + " for chart data");
        return;
      }
      if (typeof window.Plotly === "undefined") {
        showMessage(container, MESSAGES.noPlotly);
        return;
      }
      var figure;
      try {
        figure = readFigure(script);
      } catch (error) {
        console.error("charts.js: bad figure JSON for #" + id, error);
        showMessage(container, MESSAGES.badData);
        return;
      }
      Promise.resolve()
        .then(function () {
          return window.Plotly.newPlot(container, figure.data || [], figure.layout || {}, CONFIG);
        })
        .then(followContainerWidth)
        .catch(function (error) {
          console.error("charts.js: could not draw #" + id, error);
          showMessage(container, MESSAGES.badData);
        });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
