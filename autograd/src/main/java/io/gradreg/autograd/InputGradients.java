package io.gradreg.autograd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.JniUtils;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The one place that differentiates twice: {@code torch.autograd.grad(y, x, create_graph=True)}.
 *
 * <h2>Why not {@code backward(createGraph=true)}</h2>
 * DJL exposes second-order gradients only through {@code JniUtils.backward(..., createGraph=true)}.
 * That accumulates graph-carrying gradients into the {@code .grad} of <em>every</em> leaf, the
 * parameters included. Such a {@code .grad} references the graph, which references the parameter
 * through its {@code AccumulateGrad} node: a reference cycle that C++ reference counting never
 * frees. Worse, DJL's {@code zeroGrad} zeroes {@code .grad} in place and keeps its graph, and the
 * next createGraph backward computes {@code grad = old_grad + new_grad}, chaining every step's
 * graph to the last: about 1 MB per minibatch of LeNet-5, without bound.
 *
 * <p>{@code torch.autograd.grad} returns d y / d x and accumulates into nothing, so no leaf ever
 * holds a graph; the returned gradient and its graph are freed with the step's arrays. DJL has no
 * binding for it, but it can run TorchScript: this class compiles a five-line TorchScript module
 * (built in memory, no files, no Python) whose {@code forward(y, x)} calls it.
 *
 * <p>The module is run with the engine's "training" flag on, which DJL's public
 * {@code PtSymbolBlock.forward} does not pass; that one native call is made reflectively here.
 * Thread-safe: TorchScript methods may run concurrently; grad mode is per thread.
 */
public final class InputGradients implements AutoCloseable {

    private static final String SOURCE = """
            class InputGradient(Module):
              __parameters__ = []
              __buffers__ = []
              training : bool
              def forward(self: __torch__.InputGradient,
                y: Tensor,
                x: Tensor) -> Tensor:
                _0 = torch.autograd.grad([y], [x], None, CREATE, CREATE)
                return unchecked_cast(Tensor, _0[0])
            """;

    private static final MethodHandle RUN_METHOD;
    private static final Object LIBRARY;
    private static final Constructor<IValue> IVALUE;

    static {
        try {
            Class<?> library = Class.forName("ai.djl.pytorch.jni.PyTorchLibrary");
            Field lib = library.getDeclaredField("LIB");
            lib.setAccessible(true);
            LIBRARY = lib.get(null);
            // moduleRunMethod(module, method, ivalues, isTrain, separateCudaStream)
            Method run = library.getDeclaredMethod(
                    "moduleRunMethod", long.class, String.class, long[].class, boolean.class, boolean.class);
            run.setAccessible(true);
            RUN_METHOD = MethodHandles.lookup().unreflect(run)
                    .asType(MethodType.methodType(long.class, Object.class, long.class, String.class,
                            long[].class, boolean.class, boolean.class));
            IVALUE = IValue.class.getDeclaredConstructor(long.class);
            IVALUE.setAccessible(true);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError("this DJL PyTorch engine lacks the TorchScript binding gradreg "
                    + "uses for second-order gradients (expected ai.djl.pytorch:pytorch-engine 0.36.x): " + e);
        }
    }

    private static final ThreadLocal<Boolean> OPTIMIZER_OFF = ThreadLocal.withInitial(() -> false);

    private final PtSymbolBlock module;

    public InputGradients(NDManager manager) {
        this(manager, true);
    }

    /**
     * Plain first derivatives, without a graph: {@code torch.autograd.grad(y, x)}, for evaluation
     * (adversarial attacks, gradient norms). Like the second-order kind it accumulates into no
     * leaf's {@code .grad}, parameters included, so it needs no gradient collector.
     */
    public static InputGradients firstOrder(NDManager manager) {
        return new InputGradients(manager, false);
    }

    private InputGradients(NDManager manager, boolean createGraph) {
        long handle;
        try {
            handle = JniUtils.loadModuleHandle(new ByteArrayInputStream(archive(createGraph)), manager.getDevice(),
                    false, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        module = new PtSymbolBlock((PtNDManager) manager, handle);
    }

    /**
     * d y / d x, with the graph kept so that the result can be differentiated again (unless
     * made by {@link #firstOrder}). {@code y} must be a
     * scalar depending on {@code x}, {@code x} must require gradients, and grad mode must be on.
     * The result is attached to {@code x}'s manager.
     */
    public NDArray gradient(NDArray y, NDArray x) {
        if (!OPTIMIZER_OFF.get()) {
            // The module is one call; the profiling graph executor would only add guards and
            // re-specialization. The setting is per thread.
            JniUtils.setGraphExecutorOptimize(false);
            OPTIMIZER_OFF.set(true);
        }
        try (IValue iy = IValue.from((PtNDArray) y);
                IValue ix = IValue.from((PtNDArray) x)) {
            long result = (long) RUN_METHOD.invokeExact(LIBRARY, (long) module.getHandle(), "forward",
                    new long[] {iy.getHandle(), ix.getHandle()}, true, false);
            try (IValue out = IVALUE.newInstance(result)) {
                return out.toTensor((PtNDManager) x.getManager());
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("TorchScript input gradient failed: " + e, e);
        }
    }

    @Override
    public void close() {
        module.close();
    }

    /**
     * A TorchScript archive: the module's source, its pickled state (just {@code training=True})
     * and an empty constants table, as {@code torch.jit.save} lays them out.
     */
    private static byte[] archive(boolean createGraph) throws IOException {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        data.write(new byte[] {(byte) 0x80, 2}); // PROTO 2
        data.write("c__torch__\nInputGradient\n".getBytes(StandardCharsets.US_ASCII)); // GLOBAL
        data.write(new byte[] {')', (byte) 0x81, '}', '('}); // EMPTY_TUPLE NEWOBJ EMPTY_DICT MARK
        byte[] key = "training".getBytes(StandardCharsets.US_ASCII);
        data.write(new byte[] {'X', (byte) key.length, 0, 0, 0}); // BINUNICODE
        data.write(key);
        data.write(new byte[] {(byte) 0x88, 'u', 'b', '.'}); // NEWTRUE SETITEMS BUILD STOP
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(zip)) {
            put(out, "input_gradient/data.pkl", data.toByteArray());
            String source = SOURCE.replace("CREATE", createGraph ? "True" : "False");
            put(out, "input_gradient/code/__torch__.py", source.getBytes(StandardCharsets.UTF_8));
            put(out, "input_gradient/constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'});
            put(out, "input_gradient/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        }
        return zip.toByteArray();
    }

    private static void put(ZipOutputStream out, String name, byte[] content) throws IOException {
        out.putNextEntry(new ZipEntry(name));
        out.write(content);
        out.closeEntry();
    }
}
